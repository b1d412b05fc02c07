"""Corrected version of ../buggy/so_add_dense_widths.py."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(30,))
    deep = layers.Dense(64, activation="relu")(inputs)
    deep = layers.Dense(32, activation="relu")(deep)
    wide = layers.Dense(32)(inputs)
    merged = layers.add([deep, wide])
    outputs = layers.Dense(1)(merged)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model
