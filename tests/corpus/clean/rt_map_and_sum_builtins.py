"""Towers applied with map() over the Inputs and summed with the builtin sum();
residual sum of a list of branch outputs."""

import keras
from keras import layers

N_VIEWS = 3


def tower(t):
    return layers.Dense(8, activation="relu")(t)


def build_views_sum():
    views = [keras.Input(shape=(12,)) for _ in range(N_VIEWS)]
    encoded = list(map(tower, views))
    total = sum(encoded[1:], encoded[0])
    return keras.Model(views, layers.Dense(1)(total))
