"""RetinaNet-style detector: one classification head and one box head (small Sequentials)
applied to every pyramid level; intended weight sharing across parallel levels."""

import keras
from keras import layers, ops

NUM_CLASSES = 3
ANCHORS = 9


def make_head(out_channels, name):
    head = keras.Sequential(name=name)
    head.add(keras.Input(shape=(None, None, 32)))
    for _ in range(2):
        head.add(layers.Conv2D(32, 3, padding="same", activation="relu"))
    head.add(layers.Conv2D(out_channels, 3, padding="same"))
    return head


def build_retinanet():
    image = keras.Input(shape=(64, 64, 3))
    c3 = layers.Conv2D(32, 3, strides=8, padding="same", activation="relu")(image)
    c4 = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(c3)
    c5 = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(c4)
    p5 = layers.Conv2D(32, 1)(c5)
    p4 = layers.Conv2D(32, 1)(c4) + layers.UpSampling2D(2)(p5)
    p3 = layers.Conv2D(32, 1)(c3) + layers.UpSampling2D(2)(p4)
    cls_head = make_head(ANCHORS * NUM_CLASSES, "cls_head")
    box_head = make_head(ANCHORS * 4, "box_head")
    cls_outputs, box_outputs = [], []
    for feature in (p3, p4, p5):
        cls_outputs.append(layers.Reshape((-1, NUM_CLASSES))(cls_head(feature)))
        box_outputs.append(layers.Reshape((-1, 4))(box_head(feature)))
    cls = ops.concatenate(cls_outputs, axis=1)
    box = ops.concatenate(box_outputs, axis=1)
    outputs = layers.Concatenate(axis=-1)([box, cls])
    return keras.Model(image, outputs, name="retinanet")
