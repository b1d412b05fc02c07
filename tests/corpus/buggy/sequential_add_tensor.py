"""Sequential model where the author wrote a functional-style call inside .add()."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def build_sequential_classifier():
    model = keras.Sequential()
    model.add(keras.Input(shape=(20,)))
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(32, activation="relu")(keras.Input(shape=(64,))))  # expect: KG202
    model.add(layers.Dense(3, activation="softmax"))
    return model


if __name__ == "__main__":
    m = build_sequential_classifier()
    m.compile("adam", "sparse_categorical_crossentropy")
