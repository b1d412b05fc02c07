"""The image Input is rebound through a small preprocessing helper before being listed as
the model input."""

import keras
from keras import layers


def preprocess(img):
    img = layers.Resizing(32, 32)(img)
    return layers.Rescaling(1.0 / 255)(img)


def build_cnn():
    img = keras.Input(shape=(64, 64, 3))
    img = preprocess(img)
    x = layers.Conv2D(16, 3, activation="relu")(img)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Dense(10, activation="softmax")(x)
    return keras.Model(img, out)  # expect: KG104
