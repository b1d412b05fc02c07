"""Config-driven multi-input model: one Input per configured feature group, but the
encoder loop iterates over a filtered list and silently drops the `meta` group."""

import keras
from keras import layers

CFG = {
    "groups": {"user": 12, "item": 20, "meta": 4},
    "dense_groups": ["user", "item"],
    "hidden": [32, 16],
}


def build_ranker(cfg=CFG):
    inputs = {}
    for name, dim in cfg["groups"].items():
        inputs[name] = keras.Input(shape=(dim,), name=name)
    encoded = [layers.Dense(16, activation="relu")(inputs[g]) for g in cfg["dense_groups"]]
    x = layers.Concatenate()(encoded)
    for units in cfg["hidden"]:
        x = layers.Dense(units, activation="relu")(x)
    score = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=score)  # expect: KG102
    model.compile("adam", "binary_crossentropy")
    return model
