"""Blocks written as closures: make_block(...) returns a function applying fresh layers."""

import keras
from keras import layers


def make_block(filters, stride=1):
    def apply(x):
        shortcut = x
        y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
        y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        if stride != 1 or x.shape[-1] != filters:
            shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        return layers.ReLU()(layers.Add()([y, shortcut]))

    return apply


def build_resnet_tiny():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same")(inputs)
    for filters, stride in [(16, 1), (32, 2), (64, 2)]:
        x = make_block(filters, stride)(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs)
