"""Corrected version of ../buggy/so_reshape_minus_one_indivisible.py."""
import keras
from keras import layers


def build_model():
    model = keras.Sequential([
        layers.Input(shape=(100,)),
        layers.Reshape((-1, 4)),
        layers.Conv1D(8, 3, activation="relu"),
        layers.GlobalAveragePooling1D(),
        layers.Dense(2, activation="softmax"),
    ])
    return model
