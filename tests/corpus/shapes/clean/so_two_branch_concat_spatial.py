"""Corrected version of ../buggy/so_two_branch_concat_spatial.py."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(64, 64, 3))
    a = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    a = layers.MaxPooling2D()(a)
    a = layers.MaxPooling2D()(a)
    b = layers.Conv2D(16, 5, padding="same", activation="relu")(inputs)
    b = layers.MaxPooling2D()(b)
    b = layers.MaxPooling2D()(b)
    merged = layers.Concatenate(axis=-1)([a, b])
    x = layers.GlobalAveragePooling2D()(merged)
    outputs = layers.Dense(5, activation="softmax")(x)
    return keras.Model(inputs, outputs)
