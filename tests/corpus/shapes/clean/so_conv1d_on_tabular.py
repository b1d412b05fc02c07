"""Corrected version of ../buggy/so_conv1d_on_tabular.py."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(20,))
    x = layers.Reshape((20, 1))(inputs)
    x = layers.Conv1D(32, 3, activation="relu")(x)
    x = layers.GlobalMaxPooling1D()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
