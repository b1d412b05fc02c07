"""Triplet network: one embedding model applied to anchor/positive/negative in a comprehension."""

import numpy as np
import keras
from keras import layers, ops

DIM = 24


def embedding_net():
    return keras.Sequential(
        [keras.Input(shape=(DIM,)), layers.Dense(64, activation="relu"), layers.Dense(16)],
        name="embedding",
    )


def build_triplet():
    net = embedding_net()
    names = ("anchor", "positive", "negative")
    inputs = [keras.Input(shape=(DIM,), name=n) for n in names]
    anchor, positive, negative = [net(t) for t in inputs]
    d_pos = ops.sum(ops.square(anchor - positive), axis=-1, keepdims=True)
    d_neg = ops.sum(ops.square(anchor - negative), axis=-1, keepdims=True)
    stacked = layers.Concatenate(name="distances")([d_pos, d_neg])
    return keras.Model(inputs, stacked)


if __name__ == "__main__":
    model = build_triplet()
    print(model.predict([np.random.rand(2, DIM)] * 3))
