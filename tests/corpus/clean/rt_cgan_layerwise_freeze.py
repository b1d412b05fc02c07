"""Conditional GAN (label embedding multiplied into the noise / image); the discriminator
is compiled, then frozen layer by layer before the combined model is compiled."""

import keras
from keras import layers

LATENT, N_CLASSES, SHAPE = 16, 10, (8, 8, 1)


def make_generator():
    noise = layers.Input(shape=(LATENT,))
    label = layers.Input(shape=(1,), dtype="int32")
    label_embedding = layers.Flatten()(layers.Embedding(N_CLASSES, LATENT)(label))
    model_input = layers.multiply([noise, label_embedding])
    x = layers.Dense(64, activation="relu")(model_input)
    x = layers.Dense(8 * 8, activation="tanh")(x)
    img = layers.Reshape(SHAPE)(x)
    return keras.Model([noise, label], img, name="generator")


def make_discriminator():
    img = layers.Input(shape=SHAPE)
    label = layers.Input(shape=(1,), dtype="int32")
    label_embedding = layers.Flatten()(layers.Embedding(N_CLASSES, 64)(label))
    flat_img = layers.Flatten()(img)
    x = layers.multiply([flat_img, label_embedding])
    x = layers.Dense(32)(x)
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    validity = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model([img, label], validity, name="discriminator")


def build_cgan():
    discriminator = make_discriminator()
    discriminator.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, 0.5))
    generator = make_generator()
    noise = layers.Input(shape=(LATENT,))
    label = layers.Input(shape=(1,), dtype="int32")
    img = generator([noise, label])
    for layer in discriminator.layers:
        layer.trainable = False
    valid = discriminator([img, label])
    combined = keras.Model([noise, label], valid)
    combined.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, 0.5))
    return generator, discriminator, combined
