"""Corrected version of ../buggy/so_categorical_loss_one_sigmoid.py."""
import keras
from keras import layers

N_WORDS = 1000


def build_model():
    model = keras.Sequential()
    model.add(layers.Input(shape=(N_WORDS,)))
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model
