"""Corrected version of ../buggy/so_activation_softmax_one_unit.py."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(64,))
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.Dense(1)(x)
    outputs = layers.Activation("sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
