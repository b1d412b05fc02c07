"""Kaggle-style script at module level: the Input variable is rebound by a preprocessing
layer before it is given to Model()."""

import keras
from keras import layers

N = 8

inp = layers.Input(shape=(N,))
inp = layers.Normalization(mean=0.0, variance=1.0)(inp)
x = layers.Dense(32, activation="relu")(inp)
x = layers.Dense(16, activation="relu")(x)
out = layers.Dense(1)(x)
model = keras.Model(inp, out)  # expect: KG104
model.compile("adam", "mse")


def build_script():
    return model
