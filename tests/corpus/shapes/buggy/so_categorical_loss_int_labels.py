"""Iris classifier: integer class labels with categorical_crossentropy."""
import numpy as np
import keras
from keras import layers


def build_and_train():
    x = np.random.rand(120, 4).astype("float32")
    y = np.random.randint(0, 3, size=(120,))
    model = keras.Sequential([
        layers.Input(shape=(4,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)  # expect: KG606
    return model
