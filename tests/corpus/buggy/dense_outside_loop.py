"""Stacked highway-ish MLP driven by a config dict: the block layer is created once before
the loop, so every block shares its weights (and feeds its own output back in)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

CONFIG = {"n_blocks": 3, "units": 64, "dropout": 0.1}


def build_deep_mlp(config=CONFIG):
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(config["units"], activation="relu")(inputs)
    block = layers.Dense(config["units"], activation="relu", name="block")
    for _ in range(config["n_blocks"]):
        x = block(x)  # expect: KG301
        x = layers.Dropout(config["dropout"])(x)
    out = layers.Dense(1)(x)
    model = keras.Model(inputs, out)
    model.compile("adam", "mse")
    return model


if __name__ == "__main__":
    m = build_deep_mlp()
    m.fit(np.random.rand(16, 32), np.random.rand(16, 1))
