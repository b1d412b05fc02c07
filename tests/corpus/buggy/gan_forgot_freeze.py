"""DCGAN setup where the discriminator was not frozen before compiling the combined model:
the generator's train step also updates the discriminator (toward "fake is real")."""

import numpy as np
import keras
from keras import layers

LATENT = 16


def make_generator():
    return keras.Sequential(
        [
            keras.Input(shape=(LATENT,)),
            layers.Dense(7 * 7 * 16, activation="relu"),
            layers.Reshape((7, 7, 16)),
            layers.Conv2DTranspose(1, 4, strides=4, padding="same", activation="tanh"),
        ],
        name="generator",
    )


def make_discriminator():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, 3, strides=2, padding="same"),
            layers.LeakyReLU(0.2),
            layers.Flatten(),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )


def build_gan():
    generator = make_generator()
    discriminator = make_discriminator()
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    z = keras.Input(shape=(LATENT,))
    gan = keras.Model(z, discriminator(generator(z)), name="gan")  # expect: KG302
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    return generator, discriminator, gan


if __name__ == "__main__":
    g, d, gan = build_gan()
    noise = np.random.normal(size=(8, LATENT))
    d.train_on_batch(np.random.rand(8, 28, 28, 1), np.ones((8, 1)))
    gan.train_on_batch(noise, np.ones((8, 1)))
