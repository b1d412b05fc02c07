"""Classic forgotten call: `x = Flatten()` without `(x)`, then the layer object is fed to Dense."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def build_mnist_cnn():
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()
    x = layers.Dense(128, activation="relu")(x)  # expect: KG201
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    model = build_mnist_cnn()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(np.random.rand(8, 28, 28, 1), np.random.randint(0, 10, 8))
