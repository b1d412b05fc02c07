"""Hyper-parameter grid with a builder taking arguments: the hidden layers get
name=f"dense_{units}", which collides as soon as two layers have the same width."""

import keras
from keras import layers

INPUT_DIM = 10
GRID = [[32, 16], [64, 64]]


def make_model(hidden_units, dropout=0.2):
    inputs = keras.Input(shape=(INPUT_DIM,))
    x = inputs
    for units in hidden_units:
        x = layers.Dense(units, activation="relu", name=f"dense_{units}")(x)  # expect: KG304
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(1)(x)
    return keras.Model(inputs, outputs)


def build_grid():
    models = []
    for hidden_units in GRID:
        model = make_model(hidden_units)
        model.compile(optimizer="adam", loss="mse")
        models.append(model)
    return models
