"""TF 'Basic regression' script: the Normalization layer is adapted but the Sequential
model was written without it."""

import numpy as np
import keras
from keras import layers

N_FEATURES = 9
train_features = np.random.rand(64, N_FEATURES).astype("float32")


def build_dnn_model():
    normalizer = layers.Normalization(axis=-1)  # expect: KG203
    normalizer.adapt(train_features)
    model = keras.Sequential([
        layers.Input(shape=(N_FEATURES,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(loss="mean_absolute_error", optimizer=keras.optimizers.Adam(0.001))
    return model
