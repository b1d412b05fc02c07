"""Keras-2 style GAN with Sequential models end to end: the combined Sequential stacks
generator and discriminator and is compiled while the discriminator is still trainable."""

from tensorflow import keras
from tensorflow.keras import layers


def build_sequential_gan(latent=8):
    generator = keras.Sequential([keras.Input(shape=(latent,)), layers.Dense(16, activation="relu"), layers.Dense(4)])
    discriminator = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    z = keras.Input(shape=(latent,))
    gan = keras.Model(z, discriminator(generator(z)))  # expect: KG302
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    return generator, discriminator, gan
