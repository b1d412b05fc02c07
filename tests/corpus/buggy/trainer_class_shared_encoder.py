"""Experiment class: the encoder lives on self and both task models are built and compiled
in separate methods, each with the encoder trainable."""

import numpy as np
import keras
from keras import layers


class MultiTaskExperiment:
    def __init__(self, n_features=40):
        self.n_features = n_features
        inp = keras.Input(shape=(n_features,))
        h = layers.Dense(64, activation="relu")(inp)
        self.encoder = keras.Model(inp, layers.Dense(32, activation="relu")(h), name="encoder")

    def build_regression(self):
        x = keras.Input(shape=(self.n_features,))
        model = keras.Model(x, layers.Dense(1)(self.encoder(x)), name="regression")
        model.compile("adam", "mse")
        return model

    def build_classification(self):
        x = keras.Input(shape=(self.n_features,))
        model = keras.Model(x, layers.Dense(3, activation="softmax")(self.encoder(x)), name="classification")  # expect: KG302
        model.compile("adam", "sparse_categorical_crossentropy")
        return model


def build_experiment():
    exp = MultiTaskExperiment()
    return exp.build_regression(), exp.build_classification()


if __name__ == "__main__":
    build_experiment()
