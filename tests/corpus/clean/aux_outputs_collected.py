"""Deep supervision: intermediate predictions collected in a list and returned as outputs."""

import numpy as np
import keras
from keras import layers


def build_deeply_supervised(n_stages=3, n_classes=4):
    inputs = keras.Input(shape=(32, 32, 1))
    x = inputs
    aux_outputs = []
    for s in range(n_stages):
        x = layers.Conv2D(8 * 2**s, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
        aux = layers.GlobalAveragePooling2D()(x)
        aux_outputs.append(layers.Dense(n_classes, activation="softmax", name=f"aux_{s}")(aux))
    main = aux_outputs.pop()
    model = keras.Model(inputs, [main] + aux_outputs)
    model.compile("adam", ["sparse_categorical_crossentropy"] * n_stages)
    return model


if __name__ == "__main__":
    build_deeply_supervised().summary()
