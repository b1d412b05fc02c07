"""Sensor table with 20 columns fed to a Conv1D, which needs (steps, channels)."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(20,))
    x = layers.Conv1D(32, 3, activation="relu")(inputs)  # expect: KG601
    x = layers.GlobalMaxPooling1D()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
