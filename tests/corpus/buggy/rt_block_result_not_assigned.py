"""ResNet-style builder where one residual block call lost its `x = `: the block is
computed and thrown away, the next stage continues from the previous x."""

import keras
from keras import layers


def residual_block(x, filters):
    y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    return layers.Activation("relu")(layers.Add()([x, y]))  # expect: KG103


def build_resnet_small():
    inputs = keras.Input(shape=(16, 16, 16))
    x = residual_block(inputs, 16)
    residual_block(x, 16)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(4)(x))
