"""Depth via list multiplication: `[block] * depth` repeats the *same* layer object, so the
loop applies one Dense again and again along the path."""

import keras
from keras import layers


def build_deep(depth=3):
    inputs = keras.Input(shape=(16,))
    blocks = [layers.Dense(16, activation="relu")] * depth
    x = inputs
    for block in blocks:
        x = block(x)  # expect: KG301
    return keras.Model(inputs, layers.Dense(1)(x))
