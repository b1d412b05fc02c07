"""Ensemble of independently trained members averaged in one model; members are frozen
before the ensemble is compiled for evaluation."""

import keras
from keras import layers

N_FEATURES = 12


def make_member(seed, width):
    keras.utils.set_random_seed(seed)
    inp = keras.Input(shape=(N_FEATURES,))
    h = layers.Dense(width, activation="relu")(inp)
    out = layers.Dense(1, activation="sigmoid")(h)
    member = keras.Model(inp, out, name=f"member_{seed}")
    member.compile("adam", "binary_crossentropy")
    return member


def build_ensemble():
    members = [make_member(seed, w) for seed, w in enumerate([16, 32, 64])]
    for m in members:
        m.trainable = False
    model_input = keras.Input(shape=(N_FEATURES,))
    outputs = [m(model_input) for m in members]
    averaged = layers.Average()(outputs)
    ensemble = keras.Model(inputs=model_input, outputs=averaged, name="ensemble")
    ensemble.compile(loss="binary_crossentropy", metrics=["accuracy"])
    return ensemble
