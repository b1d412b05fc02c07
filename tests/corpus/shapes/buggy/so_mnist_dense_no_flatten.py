"""MNIST MLP from a beginner tutorial: the images go straight into Dense layers,
which act on the last axis only, so the model outputs (None, 28, 10) and fit()
fails against the (None, 10) one-hot labels ("must have the same rank")."""
import numpy as np
import keras
from keras import layers


def build_and_train():
    x_train = np.random.rand(64, 28, 28).astype("float32")
    y_train = keras.utils.to_categorical(np.random.randint(0, 10, 64), 10)
    model = keras.Sequential([
        layers.Input(shape=(28, 28)),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=1, batch_size=32, verbose=0)  # expect: KG606
    return model
