"""Stock-price regression: an LSTM is given the 2-D (samples, features) table
directly; recurrent layers need (samples, timesteps, features)."""
import keras
from keras import layers

N_FEATURES = 12


def build_model():
    inputs = keras.Input(shape=(N_FEATURES,))
    x = layers.LSTM(50, activation="relu")(inputs)  # expect: KG601
    x = layers.Dense(25, activation="relu")(x)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model
