"""Gated features: the gate layer is passed to keras.ops.concatenate instead of its output."""

import keras
from keras import layers, ops


def build_gated(dim=16):
    x_in = keras.Input(shape=(dim,))
    h = layers.Dense(dim, activation="relu")(x_in)
    gate = layers.Dense(dim, activation="sigmoid")
    gated = ops.concatenate([h, gate], axis=-1)  # expect: KG201
    return keras.Model(x_in, layers.Dense(1)(gated))
