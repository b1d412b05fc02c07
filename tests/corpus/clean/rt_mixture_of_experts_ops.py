"""Soft mixture of experts: experts from a list comprehension, gate softmax, combined with
keras.ops.stack / einsum on symbolic tensors."""

import keras
from keras import layers, ops

N_EXPERTS, D_IN, D_OUT = 4, 24, 8


def build_moe():
    x = keras.Input(shape=(D_IN,))
    experts = [layers.Dense(D_OUT, activation="relu", name=f"expert_{i}")(x) for i in range(N_EXPERTS)]
    stacked = ops.stack(experts, axis=1)
    gate = layers.Dense(N_EXPERTS, activation="softmax", name="gate")(x)
    mixed = ops.einsum("be,bed->bd", gate, stacked)
    y = layers.Dense(1)(mixed)
    model = keras.Model(x, y)
    model.compile("adam", "mse")
    return model
