"""An image encoder whose Input is named "image" wrapped in an outer model whose Input is
also named "image" (names only need to be unique among a model's own layers)."""

import keras
from keras import layers


def make_encoder():
    image = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(8, 3, activation="relu", name="conv")(image)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(image, x, name="image_encoder")


def build_outer():
    encoder = make_encoder()
    image = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.RandomFlip(name="flip")(image)
    x = encoder(x)
    x = layers.Dense(8, name="conv")(x)
    return keras.Model(image, layers.Dense(2, name="pool")(x))
