"""Notebook-style builder: the author re-creates the Input for a second experiment but
keeps building on `x` from the first one."""

import keras
from keras.layers import Input, Dense, Dropout


def build_experiments(n_features=20):
    inp = Input(shape=(n_features,))
    x = Dense(64, activation="relu")(inp)
    x = Dropout(0.3)(x)
    out = Dense(1)(x)
    model_v1 = keras.Model(inp, out)
    model_v1.compile("adam", "mse")

    # v2: deeper head on the same features
    inp = Input(shape=(n_features,))
    x = Dense(32, activation="relu")(x)
    out = Dense(1)(x)
    model_v2 = keras.Model(inp, out)  # expect: KG101, KG102
    return model_v1, model_v2
