"""Layer classes picked from a dict and instantiated per use; outputs as a dict comprehension."""

import numpy as np
import keras
from keras import layers

ACTIVATIONS = {"relu": layers.ReLU, "elu": layers.ELU, "prelu": layers.PReLU}
TARGETS = {"price": 1, "category": 8}


def build_multi_target(activation="prelu", n_features=14):
    inputs = keras.Input(shape=(n_features,))
    x = inputs
    for units in (64, 32):
        x = layers.Dense(units)(x)
        x = ACTIVATIONS[activation]()(x)
    outputs = {name: layers.Dense(n, name=name)(x) for name, n in TARGETS.items()}
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer="adam",
        loss={"price": "mse", "category": keras.losses.SparseCategoricalCrossentropy(from_logits=True)},
    )
    return model


if __name__ == "__main__":
    build_multi_target().summary()
