"""keras.ops given a layer instead of its output: the context projection was never called."""

import numpy as np
import keras
from keras import layers, ops


def build_context_mlp(dim=32):
    inputs = keras.Input(shape=(dim,))
    value = layers.Dense(dim)(inputs)
    context = layers.Dense(dim, activation="tanh")
    merged = ops.concatenate([value, context], axis=-1)  # expect: KG201
    out = layers.Dense(1)(merged)
    return keras.Model(inputs, out)


if __name__ == "__main__":
    build_context_mlp().summary()
