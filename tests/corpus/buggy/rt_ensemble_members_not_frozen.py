"""Ensemble built from compiled member models and compiled again (to fine-tune the blend)
without freezing the members."""

import keras
from keras import layers


def make_member(i):
    inp = keras.Input(shape=(12,))
    h = layers.Dense(16 * (i + 1), activation="relu")(inp)
    member = keras.Model(inp, layers.Dense(1, activation="sigmoid")(h), name=f"m{i}")
    member.compile("adam", "binary_crossentropy")
    return member


def build_ensemble(n=3):
    members = [make_member(i) for i in range(n)]
    x = keras.Input(shape=(12,))
    avg = layers.Average()([m(x) for m in members])
    ensemble = keras.Model(x, avg)  # expect: KG302
    ensemble.compile("adam", "binary_crossentropy")
    return ensemble
