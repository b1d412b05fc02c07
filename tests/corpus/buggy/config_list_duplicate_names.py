"""Architecture from a list of layer specs (as loaded from YAML); two specs share a name."""

import numpy as np
import keras
from keras import layers

ARCH = [
    {"units": 128, "activation": "relu", "name": "hidden"},
    {"units": 64, "activation": "relu", "name": "bottleneck"},
    {"units": 64, "activation": "relu", "name": "hidden"},
]


def build_from_specs(specs=ARCH, n_in=20):
    inputs = keras.Input(shape=(n_in,))
    x = inputs
    for spec in specs:
        x = layers.Dense(spec["units"], activation=spec["activation"], name=spec["name"])(x)  # expect: KG304
    return keras.Model(inputs, layers.Dense(1, name="out")(x))


if __name__ == "__main__":
    build_from_specs().summary()
