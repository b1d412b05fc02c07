"""Functional MNIST model whose Conv stack ends without Flatten: the Dense head
predicts per spatial cell, and fit() fails against the integer labels."""
import numpy as np
import keras
from keras import layers


def build_and_train():
    images = np.random.rand(32, 28, 28, 1).astype("float32")
    labels = np.random.randint(0, 10, size=(32,))
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(images, labels, epochs=1, verbose=0)  # expect: KG606
    return model
