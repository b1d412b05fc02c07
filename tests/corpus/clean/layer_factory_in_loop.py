"""Layers made by a small factory function inside the loop: a new layer every iteration."""

import numpy as np
import keras
from keras import layers


def dense_bn_relu(units, name):
    return keras.Sequential(
        [layers.Dense(units, use_bias=False), layers.BatchNormalization(), layers.ReLU()], name=name
    )


def conv(filters):
    return layers.Conv1D(filters, 3, padding="same", activation="relu")


def build_factory_mlp(widths=(64, 64, 32)):
    inputs = keras.Input(shape=(20,))
    x = inputs
    for i, w in enumerate(widths):
        x = dense_bn_relu(w, name=f"block_{i}")(x)
    out = layers.Dense(1)(x)
    return keras.Model(inputs, out)


def build_factory_cnn(filters=(8, 16, 32)):
    inputs = keras.Input(shape=(100, 2))
    x = inputs
    for f in filters:
        x = conv(f)(x)
        x = layers.MaxPooling1D()(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(x))


if __name__ == "__main__":
    build_factory_mlp().summary()
    build_factory_cnn().summary()
