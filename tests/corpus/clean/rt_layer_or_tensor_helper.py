"""A helper that returns the layer when no tensor is given and the layer's output
otherwise (Keras-applications-like `conv(x=None)` convenience)."""

import keras
from keras import layers


def conv_block(filters, x=None):
    block = keras.Sequential([layers.Conv2D(filters, 3, padding="same"), layers.BatchNormalization(), layers.ReLU()])
    if x is None:
        return block
    return block(x)


def build_mixed_usage():
    inputs = keras.Input(shape=(16, 16, 3))
    x = conv_block(8, inputs)
    stage = conv_block(16)
    x = stage(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(3)(x))
