"""Tabular model: the numeric Input is rebound to its normalized version in a helper loop,
and the rebound tensors are what get listed as model inputs."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers


def build_inputs(names):
    return [tf.keras.Input(shape=(1,), name=n) for n in names]


def build_house_model():
    numeric = build_inputs(["area", "rooms", "age"])
    for i in range(len(numeric)):
        numeric[i] = layers.Normalization(mean=0.0, variance=1.0)(numeric[i])
    x = layers.Concatenate()(numeric)
    x = layers.Dense(16, activation="relu")(x)
    price = layers.Dense(1)(x)
    model = tf.keras.Model(inputs=numeric, outputs=price)  # expect: KG104
    model.compile(optimizer="adam", loss="mse")
    return model


if __name__ == "__main__":
    m = build_house_model()
    m.fit([np.random.rand(8, 1)] * 3, np.random.rand(8, 1))
