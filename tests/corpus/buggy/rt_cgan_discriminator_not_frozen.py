"""Conditional GAN where the author forgot to freeze the discriminator before compiling the
combined model: generator steps also update the discriminator."""

import keras
from keras import layers

LATENT, N_CLASSES = 16, 10


def make_generator():
    noise = layers.Input(shape=(LATENT,))
    label = layers.Input(shape=(1,), dtype="int32")
    emb = layers.Flatten()(layers.Embedding(N_CLASSES, LATENT)(label))
    x = layers.Dense(64, activation="relu")(layers.multiply([noise, emb]))
    return keras.Model([noise, label], layers.Dense(64, activation="tanh")(x))


def make_discriminator():
    img = layers.Input(shape=(64,))
    label = layers.Input(shape=(1,), dtype="int32")
    emb = layers.Flatten()(layers.Embedding(N_CLASSES, 64)(label))
    x = layers.Dense(32, activation="relu")(layers.multiply([img, emb]))
    return keras.Model([img, label], layers.Dense(1, activation="sigmoid")(x))


def build_cgan():
    discriminator = make_discriminator()
    discriminator.compile(loss="binary_crossentropy", optimizer="adam")
    generator = make_generator()
    noise = layers.Input(shape=(LATENT,))
    label = layers.Input(shape=(1,), dtype="int32")
    valid = discriminator([generator([noise, label]), label])
    combined = keras.Model([noise, label], valid)  # expect: KG302
    combined.compile(loss="binary_crossentropy", optimizer="adam")
    return generator, discriminator, combined
