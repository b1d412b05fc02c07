"""Layer names built with %-formatting, str.format and concatenation in helpers and loops
(all unique), and a LeakyReLU layer passed as a Dense activation."""

import numpy as np
import keras
from keras import layers


def conv_bn(x, filters, name):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name + "_conv")(x)
    x = layers.BatchNormalization(name=name + "_bn")(x)
    return layers.Activation("relu", name=name + "_relu")(x)


def build_named_cnn(n_stages=3):
    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = inputs
    for i in range(n_stages):
        x = conv_bn(x, 16 * 2**i, name="stage%d" % i)
        x = layers.MaxPooling2D(name="pool{}".format(i))(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dense(32, activation=layers.LeakyReLU(negative_slope=0.1), name="fc")(x)
    return keras.Model(inputs, layers.Dense(10, name="logits")(x))


def build_two_named_stems():
    a = keras.Input(shape=(16, 16, 3), name="rgb")
    b = keras.Input(shape=(16, 16, 1), name="depth")
    fa = layers.GlobalAveragePooling2D(name="rgb_gap")(conv_bn(a, 8, name="rgb"))
    fb = layers.GlobalAveragePooling2D(name="depth_gap")(conv_bn(b, 8, name="depth"))
    return keras.Model([a, b], layers.Dense(1, name="out")(layers.Concatenate(name="fuse")([fa, fb])))


if __name__ == "__main__":
    build_named_cnn().summary()
