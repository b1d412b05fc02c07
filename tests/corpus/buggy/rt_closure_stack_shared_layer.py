"""A closure factory that captures one layer and applies it n times: the returned stack
reuses the captured Dense along the path."""

import keras
from keras import layers


def make_stack(width, n):
    layer = layers.Dense(width, activation="relu")

    def apply(x):
        for _ in range(n):
            x = layer(x)  # expect: KG301
        return x

    return apply


def build_stacked(width=16):
    inputs = keras.Input(shape=(width,))
    x = make_stack(width, 3)(inputs)
    return keras.Model(inputs, layers.Dense(1)(x))
