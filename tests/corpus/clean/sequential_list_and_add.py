"""Two Sequential models: one from a list, one grown with .add() in a loop."""

import numpy as np
import keras
from keras import layers
from keras.models import Sequential


def build_mnist_mlp():
    model = Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_conv_stack(filters=(16, 32, 64)):
    model = Sequential(name="conv_stack")
    model.add(keras.Input(shape=(28, 28, 1)))
    for f in filters:
        model.add(layers.Conv2D(f, 3, padding="same", activation="relu"))
        model.add(layers.BatchNormalization())
        model.add(layers.MaxPooling2D())
    model.add(layers.Flatten())
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    return model


if __name__ == "__main__":
    mlp = build_mnist_mlp()
    mlp.fit(np.random.rand(32, 784), np.random.randint(0, 10, 32), epochs=1)
    cnn = build_conv_stack()
    cnn.summary()
