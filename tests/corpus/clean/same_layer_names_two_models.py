"""Two separate models that each have a layer named "head" and "features" (fine: names
only need to be unique within one model)."""

import numpy as np
import keras
from keras import layers


def make_model(n_out, name):
    inputs = keras.Input(shape=(10,))
    x = layers.Dense(16, activation="relu", name="features")(inputs)
    out = layers.Dense(n_out, name="head")(x)
    return keras.Model(inputs, out, name=name)


def build_models():
    regressor = make_model(1, "regressor")
    classifier = make_model(3, "classifier")
    regressor.compile("adam", "mse")
    classifier.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return regressor, classifier


def build_explicit():
    a_in = keras.Input(shape=(4,))
    a = keras.Model(a_in, layers.Dense(1, name="head")(a_in), name="a")
    b_in = keras.Input(shape=(4,))
    b = keras.Model(b_in, layers.Dense(1, name="head")(b_in), name="b")
    return a, b


if __name__ == "__main__":
    r, c = build_models()
    r.fit(np.random.rand(8, 10), np.random.rand(8, 1))
