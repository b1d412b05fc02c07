"""Corrected version of ../buggy/so_lstm_on_flat_features.py."""
import keras
from keras import layers

N_FEATURES = 12


def build_model():
    inputs = keras.Input(shape=(N_FEATURES,))
    x = layers.Reshape((N_FEATURES, 1))(inputs)
    x = layers.LSTM(50, activation="relu")(x)
    x = layers.Dense(25, activation="relu")(x)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model
