"""Reuse of a pretrained encoder: the classifier head is built on encoder.output, but the
model gets a brand-new Input, so the output depends on encoder.input instead."""

import numpy as np
import keras
from keras import layers

N_FEATURES = 40


def make_encoder():
    inp = keras.Input(shape=(N_FEATURES,), name="raw")
    h = layers.Dense(32, activation="relu")(inp)
    code = layers.Dense(8, activation="relu")(h)
    return keras.Model(inp, code, name="encoder")


def add_head(features, n_out):
    x = layers.Dense(16, activation="relu")(features)
    return layers.Dense(n_out, activation="softmax")(x)


def build_classifier():
    encoder = make_encoder()
    encoder.trainable = False
    features_in = keras.Input(shape=(N_FEATURES,), name="features")
    probs = add_head(encoder.output, 3)
    classifier = keras.Model(features_in, probs)  # expect: KG101, KG102
    return classifier


if __name__ == "__main__":
    clf = build_classifier()
    clf.compile("adam", "sparse_categorical_crossentropy")
    clf.fit(np.random.rand(16, N_FEATURES), np.random.randint(0, 3, 16), epochs=1)
