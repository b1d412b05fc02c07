"""Towers built by zipping Inputs with widths: the widths list is one entry short, so zip
silently drops the last Input, which stays in the model's inputs."""

import keras
from keras import layers


def build_towers():
    names = ["user", "item", "context"]
    inputs = [keras.Input(shape=(8,), name=n) for n in names]
    widths = [16, 16]
    towers = [layers.Dense(w, activation="relu")(t) for t, w in zip(inputs, widths)]
    x = layers.Concatenate()(towers)
    return keras.Model(inputs, layers.Dense(1)(x))  # expect: KG102
