"""Ensemble members made with keras.models.clone_model: fresh layers, so compiling and
training each copy separately is fine.  (The members are averaged in NumPy: clones keep
the template's model name, so putting them in one functional model would fail with a
duplicate-name error.)"""

import numpy as np
import keras
from keras import layers


def make_member():
    inp = keras.Input(shape=(12,))
    h = layers.Dense(32, activation="relu")(inp)
    return keras.Model(inp, layers.Dense(1)(h))


def build_ensemble(n_members=3):
    template = make_member()
    members = [keras.models.clone_model(template) for _ in range(n_members)]
    for m in members:
        m.compile(optimizer="adam", loss="mse")
    return members


def ensemble_predict(members, x):
    return np.mean([m.predict(x, verbose=0) for m in members], axis=0)


if __name__ == "__main__":
    members = build_ensemble()
    for m in members:
        m.fit(np.random.rand(8, 12), np.random.rand(8, 1), verbose=0)
    print(ensemble_predict(members, np.random.rand(2, 12)))
