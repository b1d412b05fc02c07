"""Everything is called `x`, including the Input: by the time Model() is called, `x` is
the normalized tensor, not the Input."""

import numpy as np
import keras
from keras import layers


def build_x_everywhere(n_features=30):
    x = keras.Input(shape=(n_features,))
    inputs = x
    x = layers.BatchNormalization()(x)
    h = layers.Dense(64, activation="relu")(x)
    h = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs=x, outputs=h)  # expect: KG104
    model.compile("adam", "binary_crossentropy")
    return model, inputs


if __name__ == "__main__":
    build_x_everywhere()[0].summary()
