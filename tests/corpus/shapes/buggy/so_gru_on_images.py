"""Handwriting recogniser: a GRU is given the 4-D image tensor; each row must
become one time step first."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.GRU(64)(inputs)  # expect: KG601
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)
