"""Fold loop that builds a model per fold; inside the loop the output layer is applied to
`feat`, a tensor kept from the previous (pre-loop) feature model instead of this fold's x."""

import keras
from keras import layers


def build_fold_models(n_folds=2):
    probe_in = keras.Input(shape=(10,))
    feat = layers.Dense(8, activation="relu")(probe_in)
    models = []
    for fold in range(n_folds):
        inp = keras.Input(shape=(10,))
        x = layers.Dense(8, activation="relu")(inp)
        out = layers.Dense(1)(feat)
        models.append(keras.Model(inp, out))  # expect: KG101, KG102
    return models
