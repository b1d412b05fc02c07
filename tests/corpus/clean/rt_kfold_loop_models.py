"""K-fold training loop (Kaggle style): a fresh model per fold from a builder function,
collected in a list; the last fold's model is also wrapped for TTA averaging."""

import keras
from keras import layers

N_FOLDS = 3


def get_model(n_features=10):
    inp = layers.Input(shape=(n_features,))
    x = layers.Dense(32, activation="swish")(inp)
    x = layers.Dense(1)(x)
    model = keras.Model(inp, x)
    model.compile(keras.optimizers.Adam(1e-3), "mse")
    return model


def build_folds():
    models = []
    for fold in range(N_FOLDS):
        keras.backend.clear_session()
        model = get_model()
        models.append(model)
    return models


def build_tta():
    model = get_model()
    inp = layers.Input(shape=(10,))
    noisy = layers.GaussianNoise(0.1)(inp)
    avg = layers.Average()([model(inp), model(noisy)])
    return keras.Model(inp, avg)
