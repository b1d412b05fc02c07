"""Copy-pasted layer definitions keep the same explicit name."""

import numpy as np
import keras
from keras import layers


def build_regressor():
    inputs = keras.Input(shape=(10,))
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(32, activation="relu", name="dense_2")(x)
    x = layers.Dense(16, activation="relu", name="dense_2")(x)  # expect: KG304
    out = layers.Dense(1, name="output")(x)
    return keras.Model(inputs, out)


if __name__ == "__main__":
    m = build_regressor()
    m.compile("adam", "mse")
