"""Config-driven MLP where the per-layer name forgot the index: every hidden Dense is
called "hidden"."""

import keras
from keras import layers

CFG = {"inputs": 10, "hidden": [64, 32], "out": 1}


def build_from_cfg(cfg=CFG):
    inputs = keras.Input(shape=(cfg["inputs"],))
    x = inputs
    for units in cfg["hidden"]:
        x = layers.Dense(units, activation="relu", name="hidden")(x)  # expect: KG304
    outputs = layers.Dense(cfg["out"], name="out")(x)
    return keras.Model(inputs, outputs)
