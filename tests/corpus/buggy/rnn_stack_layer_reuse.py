"""Stacked LSTMs built in a helper that receives the layer object and applies it per level."""

import numpy as np
import keras
from keras import layers


def stack(x, layer, depth):
    for _ in range(depth):
        x = layer(x)  # expect: KG301
    return x


def build_stacked_lstm(timesteps=20, features=4):
    seq = keras.Input(shape=(timesteps, features))
    x = layers.Dense(16)(seq)
    lstm = layers.LSTM(16, return_sequences=True)
    x = stack(x, lstm, depth=3)
    x = layers.GlobalAveragePooling1D()(x)
    model = keras.Model(seq, layers.Dense(1)(x))
    model.compile("adam", "mse")
    return model


if __name__ == "__main__":
    build_stacked_lstm().summary()
