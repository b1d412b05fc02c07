"""TensorFlow image-segmentation tutorial: a MobileNetV2 down-stack exposing several named
activations, an up-stack of Sequential blocks, zip() with reversed() skips."""

import tensorflow as tf

OUTPUT_CLASSES = 3


def upsample(filters, size):
    result = tf.keras.Sequential()
    result.add(tf.keras.layers.Conv2DTranspose(filters, size, strides=2, padding="same", use_bias=False))
    result.add(tf.keras.layers.BatchNormalization())
    result.add(tf.keras.layers.ReLU())
    return result


def unet_model(output_channels):
    base_model = tf.keras.applications.MobileNetV2(input_shape=[64, 64, 3], include_top=False, weights=None, alpha=0.35)
    layer_names = [
        "block_1_expand_relu",
        "block_3_expand_relu",
        "block_6_expand_relu",
        "block_13_expand_relu",
        "block_16_project",
    ]
    base_model_outputs = [base_model.get_layer(name).output for name in layer_names]
    down_stack = tf.keras.Model(inputs=base_model.input, outputs=base_model_outputs)
    down_stack.trainable = False
    up_stack = [upsample(64, 3), upsample(32, 3), upsample(16, 3), upsample(8, 3)]

    inputs = tf.keras.layers.Input(shape=[64, 64, 3])
    skips = down_stack(inputs)
    x = skips[-1]
    skips = reversed(skips[:-1])
    for up, skip in zip(up_stack, skips):
        x = up(x)
        concat = tf.keras.layers.Concatenate()
        x = concat([x, skip])
    last = tf.keras.layers.Conv2DTranspose(filters=output_channels, kernel_size=3, strides=2, padding="same")
    x = last(x)
    return tf.keras.Model(inputs=inputs, outputs=x)


def build_unet():
    model = unet_model(OUTPUT_CLASSES)
    model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
