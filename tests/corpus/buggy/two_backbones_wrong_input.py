"""Ensemble of two backbones: each is applied to its own Input by mistake (the second
one's `.output` is used), so the ensemble output depends on an Input that is not listed."""

import numpy as np
import keras
from keras import layers

IMG = 32


def small_cnn(name):
    inp = keras.Input(shape=(IMG, IMG, 3))
    x = layers.Conv2D(8, 3, activation="relu")(inp)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inp, layers.Dense(4)(x), name=name)


def build_ensemble():
    a, b = small_cnn("cnn_a"), small_cnn("cnn_b")
    image = keras.Input(shape=(IMG, IMG, 3))
    logits = layers.Average()([a(image), b.output])
    probs = layers.Softmax()(logits)
    return keras.Model(image, probs)  # expect: KG101


if __name__ == "__main__":
    build_ensemble().summary()
