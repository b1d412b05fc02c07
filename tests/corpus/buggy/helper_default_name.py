"""A helper with a default `name=` argument, called twice without overriding it."""

import numpy as np
import keras
from keras import layers


def projection_head(x, units, name="projection"):
    x = layers.Dense(units, activation="relu", name=name)(x)  # expect: KG304
    return layers.Dropout(0.1)(x)


def build_dual_head(n_features=24):
    inputs = keras.Input(shape=(n_features,))
    a = projection_head(inputs, 32, name="projection")
    b = projection_head(inputs, 16)
    merged = layers.Concatenate()([a, b])
    return keras.Model(inputs, layers.Dense(1)(merged))


if __name__ == "__main__":
    build_dual_head().summary()
