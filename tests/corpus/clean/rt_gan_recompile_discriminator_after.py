"""GAN variant where the discriminator is frozen, the combined model compiled, then the
discriminator is unfrozen and compiled again (its own compile is the later one)."""

import keras
from keras import layers


def build_gan():
    d_in = keras.Input(shape=(8,))
    discriminator = keras.Model(d_in, layers.Dense(1, activation="sigmoid")(layers.Dense(8, activation="relu")(d_in)))
    z = keras.Input(shape=(4,))
    generator = keras.Model(z, layers.Dense(8)(layers.Dense(8, activation="relu")(z)))

    discriminator.trainable = False
    gan_in = keras.Input(shape=(4,))
    gan = keras.Model(gan_in, discriminator(generator(gan_in)))
    gan.compile("adam", "binary_crossentropy")

    discriminator.trainable = True
    discriminator.compile("adam", "binary_crossentropy")
    return discriminator, gan
