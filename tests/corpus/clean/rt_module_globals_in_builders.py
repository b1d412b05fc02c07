"""Module-level Input shape, a module-level weightless layer and a module-level builder
called twice (two independent models, same layer names in each)."""

import keras
from keras import layers

N_FEATURES = 6
flatten = layers.Flatten()


def make_model(units=8):
    inputs = keras.Input(shape=(N_FEATURES, 1), name="series")
    x = flatten(inputs)
    x = layers.Dense(units, activation="relu", name="hidden")(x)
    return keras.Model(inputs, layers.Dense(1, name="out")(x))


small = make_model(8)
large = make_model(32)


def build_module_models():
    return small, large
