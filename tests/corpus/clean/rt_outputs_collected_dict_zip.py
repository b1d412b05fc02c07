"""Multi-output model whose outputs are assembled with dict(zip(...)) and list(d.values())
and whose inputs come from a list comprehension unpacked with *."""

import keras
from keras import layers

TARGETS = ["age", "gender", "race"]
UNITS = [1, 2, 5]


def build_face_attrs():
    views = [keras.Input(shape=(24,), name=f"view_{i}") for i in range(3)]
    x = layers.Concatenate()([*views])
    x = layers.Dense(32, activation="relu")(x)
    heads = [layers.Dense(u, name=t)(x) for t, u in zip(TARGETS, UNITS)]
    outputs = dict(zip(TARGETS, heads))
    model = keras.Model(inputs=[*views], outputs=list(outputs.values()))
    return model
