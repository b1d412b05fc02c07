"""Helper meant to return a layer but returns the layer's output; the caller then calls it."""

import numpy as np
import keras
from keras import layers


def projection(x, units):
    return layers.Dense(units, activation="relu")(x)


def build_projection_model():
    inputs = keras.Input(shape=(64,))
    proj = projection(inputs, 32)
    h = proj(inputs)  # expect: KG202
    out = layers.Dense(1)(h)
    return keras.Model(inputs, out)


if __name__ == "__main__":
    build_projection_model().summary()
