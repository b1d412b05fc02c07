"""A helper returns (model, features); the caller builds a second model on the first
model's features but gives it a fresh Input."""

import numpy as np
import keras
from keras import layers


def make_trunk(n_features):
    inp = keras.Input(shape=(n_features,), name="trunk_in")
    feats = layers.Dense(16, activation="relu")(inp)
    return keras.Model(inp, feats), feats


def build_two_stage(n_features=10):
    trunk, feats = make_trunk(n_features)
    new_in = keras.Input(shape=(n_features,), name="stage2_in")
    score = layers.Dense(1)(feats)
    return trunk, keras.Model(new_in, score)  # expect: KG101, KG102


if __name__ == "__main__":
    build_two_stage()
