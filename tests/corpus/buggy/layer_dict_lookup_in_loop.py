"""Layers kept in a dict by role; the "refine" layer is looked up and applied at every
refinement step, so it is fed its own output."""

import numpy as np
import keras
from keras import layers


def build_iterative_refiner(steps=3, dim=32):
    inputs = keras.Input(shape=(dim,))
    blocks = {
        "embed": layers.Dense(dim, activation="relu"),
        "refine": layers.Dense(dim, activation="relu"),
        "out": layers.Dense(1),
    }
    x = blocks["embed"](inputs)
    for _ in range(steps):
        x = blocks["refine"](x)  # expect: KG301
    return keras.Model(inputs, blocks["out"](x))


if __name__ == "__main__":
    build_iterative_refiner().summary()
