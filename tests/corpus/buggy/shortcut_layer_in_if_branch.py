"""Residual block whose projection shortcut forgot its `(x)` in the downsampling branch."""

import numpy as np
import keras
from keras import layers


def res_block(x, filters, downsample=False):
    if downsample:
        shortcut = layers.Conv2D(filters, 1, strides=2)
        x_main = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
    else:
        shortcut = x
        x_main = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x_main = layers.Conv2D(filters, 3, padding="same")(x_main)
    return layers.Add()([shortcut, x_main])  # expect: KG201


def build_downsampling_net():
    inputs = keras.Input(shape=(32, 32, 16))
    x = res_block(inputs, 16)
    x = res_block(x, 32, downsample=True)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10)(x))


if __name__ == "__main__":
    build_downsampling_net().summary()
