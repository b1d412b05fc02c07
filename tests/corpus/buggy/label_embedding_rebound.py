"""Conditional generator: `label` is rebound to its embedding before Model([noise, label])."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.layers import Dense, Embedding, Flatten, Input, Multiply, Reshape, LeakyReLU
from tensorflow.keras.models import Model

LATENT = 32
N_CLASSES = 10


def build_cgan_generator():
    noise = Input(shape=(LATENT,))
    label = Input(shape=(1,), dtype="int32")
    label = Flatten()(Embedding(N_CLASSES, LATENT)(label))
    h = Multiply()([noise, label])
    h = Dense(128)(h)
    h = LeakyReLU(0.2)(h)
    h = Dense(28 * 28, activation="tanh")(h)
    img = Reshape((28, 28, 1))(h)
    return Model([noise, label], img)  # expect: KG104


if __name__ == "__main__":
    g = build_cgan_generator()
    g.summary()
