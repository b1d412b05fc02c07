"""Porting Keras 2 code: `InputLayer(...)` used as if it were `keras.Input(...)`."""

import numpy as np
import keras
from keras.layers import Dense, InputLayer


def build_regressor(n_features=10):
    inp = InputLayer(shape=(n_features,))
    h = Dense(32, activation="relu")(inp)  # expect: KG201
    out = Dense(1)(h)
    return keras.Model(inp, out)


if __name__ == "__main__":
    m = build_regressor()
    m.compile("adam", "mse")
