"""Layer widths parsed from an environment variable (unknown until run time); blocks made
by a comprehension calling a helper, then chained; each block has its own layers."""

import os

import keras
from keras import layers

WIDTHS = [int(w) for w in os.environ.get("MLP_WIDTHS", "64,32").split(",")]


def make_block(width):
    return keras.Sequential([layers.Dense(width, activation="relu"), layers.Dropout(0.1)])


def build_env_mlp():
    blocks = [make_block(w) for w in WIDTHS]
    inputs = keras.Input(shape=(10,))
    x = inputs
    for block in blocks:
        x = block(x)
    return keras.Model(inputs, layers.Dense(1)(x))
