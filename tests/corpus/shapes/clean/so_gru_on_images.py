"""Corrected version of ../buggy/so_gru_on_images.py."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Reshape((28, 28))(inputs)
    x = layers.GRU(64)(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)
