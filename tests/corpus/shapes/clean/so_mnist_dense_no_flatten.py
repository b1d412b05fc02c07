"""Corrected version of ../buggy/so_mnist_dense_no_flatten.py."""
import numpy as np
import keras
from keras import layers


def build_and_train():
    x_train = np.random.rand(64, 28, 28).astype("float32")
    y_train = keras.utils.to_categorical(np.random.randint(0, 10, 64), 10)
    model = keras.Sequential([
        layers.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0)
    return model
