"""Layers created up front in list comprehensions (one new instance per element), then
applied in order; also an explicit dict of per-task towers."""

import keras
from keras import layers

WIDTHS = [64, 64, 32]
TASKS = ["ctr", "cvr"]


def build_mmoe_lite():
    inputs = keras.Input(shape=(20,))
    hidden = [layers.Dense(w, activation="relu") for w in WIDTHS]
    norms = [layers.LayerNormalization() for _ in WIDTHS]
    x = inputs
    for dense, norm in zip(hidden, norms):
        x = norm(dense(x))
    towers = {t: [layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid", name=t)] for t in TASKS}
    outputs = {}
    for task, (d1, d2) in towers.items():
        outputs[task] = d2(d1(x))
    model = keras.Model(inputs, outputs)
    model.compile("adam", {t: "binary_crossentropy" for t in TASKS})
    return model
