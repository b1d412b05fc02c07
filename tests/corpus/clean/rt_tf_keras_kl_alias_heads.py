"""Mask-RCNN-era tf.keras style: `import tensorflow.keras.layers as KL`, `KM.Model`, explicit
layer names everywhere, and a detection-style head shared by every pyramid level."""

import tensorflow as tf
import tensorflow.keras.layers as KL
import tensorflow.keras.models as KM

NUM_ANCHORS = 3
NUM_CLASSES = 4


def build_rpn_graph(depth=32):
    feature_map = KL.Input(shape=[None, None, depth], name="input_rpn_feature_map")
    shared = KL.Conv2D(64, (3, 3), padding="same", activation="relu", name="rpn_conv_shared")(feature_map)
    x = KL.Conv2D(2 * NUM_ANCHORS, (1, 1), padding="valid", activation="linear", name="rpn_class_raw")(shared)
    rpn_class_logits = KL.Reshape((-1, 2))(x)
    rpn_probs = KL.Activation("softmax", name="rpn_class_xxx")(rpn_class_logits)
    x = KL.Conv2D(NUM_ANCHORS * 4, (1, 1), padding="valid", activation="linear", name="rpn_bbox_pred")(shared)
    rpn_bbox = KL.Reshape((-1, 4))(x)
    return KM.Model([feature_map], [rpn_class_logits, rpn_probs, rpn_bbox], name="rpn_model")


def build_detector():
    image = KL.Input(shape=[64, 64, 3], name="input_image")
    c2 = KL.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="c2")(image)
    c3 = KL.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="c3")(c2)
    c4 = KL.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="c4")(c3)
    p4 = KL.Conv2D(32, (1, 1), name="fpn_c4p4")(c4)
    p3 = KL.Add(name="fpn_p3add")([
        KL.UpSampling2D(size=(2, 2), name="fpn_p4upsampled")(p4),
        KL.Conv2D(32, (1, 1), name="fpn_c3p3")(c3)])
    p2 = KL.Add(name="fpn_p2add")([
        KL.UpSampling2D(size=(2, 2), name="fpn_p3upsampled")(p3),
        KL.Conv2D(32, (1, 1), name="fpn_c2p2")(c2)])
    rpn = build_rpn_graph(32)
    layer_outputs = []
    for p in [p2, p3, p4]:
        layer_outputs.append(rpn([p]))
    output_names = ["rpn_class_logits", "rpn_class", "rpn_bbox"]
    outputs = list(zip(*layer_outputs))
    outputs = [KL.Concatenate(axis=1, name=n)(list(o)) for o, n in zip(outputs, output_names)]
    model = KM.Model(image, outputs, name="mask_rcnn_lite")
    model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss=[None, "mse", "mse"])
    return model
