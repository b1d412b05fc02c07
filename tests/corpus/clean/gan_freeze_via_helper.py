"""GAN setup where freezing goes through a small helper (set_trainable), as many
codebases do, before the combined model is compiled."""

import numpy as np
import keras
from keras import layers

LATENT = 16


def set_trainable(model, value):
    model.trainable = value
    for layer in model.layers:
        layer.trainable = value


def make_models():
    generator = keras.Sequential(
        [keras.Input(shape=(LATENT,)), layers.Dense(32, activation="relu"), layers.Dense(8)], name="g"
    )
    discriminator = keras.Sequential(
        [keras.Input(shape=(8,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")],
        name="d",
    )
    return generator, discriminator


def build_gan():
    generator, discriminator = make_models()
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    set_trainable(discriminator, False)
    z = keras.Input(shape=(LATENT,))
    gan = keras.Model(z, discriminator(generator(z)))
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    return gan


if __name__ == "__main__":
    build_gan().summary()
