"""GAN discriminator: a LeakyReLU activation layer is prepared but never applied, and a
Dropout in the config-driven branch is created and dropped."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

CFG = {"filters": [32, 64], "dropout": 0.3}


def build_discriminator(cfg=CFG):
    img = keras.Input(shape=(28, 28, 1))
    x = img
    act = layers.LeakyReLU(negative_slope=0.2)  # expect: KG203
    for f in cfg["filters"]:
        x = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")(x)
        if cfg["dropout"]:
            drop = layers.Dropout(cfg["dropout"])  # expect: KG203
    x = layers.Flatten()(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(img, out)
    model.compile("adam", "binary_crossentropy")
    return model


if __name__ == "__main__":
    build_discriminator().summary()
