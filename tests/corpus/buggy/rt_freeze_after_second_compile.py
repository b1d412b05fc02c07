"""GAN wiring in plain functions: the discriminator is frozen only after the combined model
was compiled (the freeze has no effect on the already-compiled combined model)."""

import keras
from keras import layers


def make_disc():
    x = keras.Input(shape=(16,))
    return keras.Model(x, layers.Dense(1, activation="sigmoid")(layers.Dense(16, activation="relu")(x)))


def make_gen():
    z = keras.Input(shape=(4,))
    return keras.Model(z, layers.Dense(16)(layers.Dense(16, activation="relu")(z)))


def build_gan():
    disc = make_disc()
    disc.compile("adam", "binary_crossentropy")
    gen = make_gen()
    z = keras.Input(shape=(4,))
    gan = keras.Model(z, disc(gen(z)))  # expect: KG302
    gan.compile("adam", "binary_crossentropy")
    disc.trainable = False
    return disc, gan
