"""Corrected version of ../buggy/so_cnn_fed_flat_pixels.py."""
import numpy as np
import keras
from keras import layers


def build_and_train():
    x = np.random.rand(64, 784).astype("float32").reshape(-1, 28, 28, 1)
    y = np.random.randint(0, 10, size=(64,))
    model = keras.Sequential([
        layers.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    return model
