"""VGG-style blocks where BatchNormalization is created on its own line without `(x)`."""

import numpy as np
import keras
from keras import layers


def vgg_block(x, filters, n_convs):
    for _ in range(n_convs):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        layers.BatchNormalization()  # expect: KG203
        x = layers.ReLU()(x)
    return layers.MaxPooling2D()(x)


def build_vgg_small():
    inputs = keras.Input(shape=(32, 32, 3))
    x = vgg_block(inputs, 16, 2)
    x = vgg_block(x, 32, 2)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


if __name__ == "__main__":
    build_vgg_small().summary()
