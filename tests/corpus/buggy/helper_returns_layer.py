"""A "block" helper that was refactored to return the layer instead of applying it; the
caller still treats the result as a tensor."""

import numpy as np
import keras
from keras import layers


def projection_block(units, dropout=0.1):
    layer = layers.Dense(units, activation="relu")
    return layer


def build_tabular_model(n_features=18):
    inputs = keras.Input(shape=(n_features,))
    x = layers.Dense(64, activation="relu")(inputs)
    hidden = projection_block(32)
    out = layers.Dense(1)(hidden)  # expect: KG201
    return keras.Model(inputs, out)


if __name__ == "__main__":
    build_tabular_model().summary()
