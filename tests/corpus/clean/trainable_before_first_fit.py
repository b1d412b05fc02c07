"""`trainable` changed after compile() but before the first fit(): allowed in Keras 3, the
train step is built at the first fit."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def build_classifier():
    inputs = keras.Input(shape=(16,))
    features = layers.Dense(32, activation="relu", name="features")(inputs)
    outputs = layers.Dense(3, activation="softmax", name="head")(features)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.get_layer("features").trainable = False
    return model


if __name__ == "__main__":
    model = build_classifier()
    model.fit(np.random.rand(16, 16), np.random.randint(0, 3, 16), epochs=1)
