"""Widths loaded from a JSON config; the author creates one Dense per *distinct* width in a
dict and looks it up inside the loop, so repeated widths reuse one layer along the path."""

import json

import keras
from keras import layers

CFG = json.loads('{"n_features": 12, "widths": [32, 32, 16]}')


def build_from_json(cfg=CFG):
    by_width = {w: layers.Dense(w, activation="relu") for w in set(cfg["widths"])}
    inputs = keras.Input(shape=(cfg["n_features"],))
    x = layers.Dense(32)(inputs)
    for w in cfg["widths"]:
        x = by_width[w](x)  # expect: KG301
    return keras.Model(inputs, layers.Dense(1)(x))
