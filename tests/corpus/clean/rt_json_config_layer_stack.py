"""Hyper-parameters loaded from a JSON string (as from a config file): the dense stack is
created up front from the list of widths, then applied in order, one new layer per width."""

import json

import keras
from keras import layers

CONFIG_JSON = '{"n_features": 12, "widths": [64, 32, 16], "dropout": 0.1}'
CFG = json.loads(CONFIG_JSON)


def build_from_json(cfg=CFG):
    stack = [layers.Dense(w, activation="relu") for w in cfg["widths"]]
    inputs = keras.Input(shape=(cfg["n_features"],))
    x = inputs
    for dense in stack:
        x = dense(x)
        x = layers.Dropout(cfg["dropout"])(x)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile("adam", "mse")
    return model
