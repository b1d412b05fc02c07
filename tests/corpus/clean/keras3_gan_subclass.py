"""Keras 3 GAN: a subclassed model with a custom train_step owns both networks and is
compiled once with two optimizers (no separately compiled sub-models)."""

import numpy as np
import keras
from keras import layers, ops

LATENT = 8


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(42)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn


def make_discriminator():
    inp = keras.Input(shape=(16,))
    h = layers.Dense(32)(inp)
    h = layers.LeakyReLU(0.2)(h)
    return keras.Model(inp, layers.Dense(1)(h), name="discriminator")


def make_generator():
    z = keras.Input(shape=(LATENT,))
    h = layers.Dense(32, activation="relu")(z)
    return keras.Model(z, layers.Dense(16)(h), name="generator")


def build_gan():
    gan = GAN(make_discriminator(), make_generator(), LATENT)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=3e-4),
        g_optimizer=keras.optimizers.Adam(learning_rate=3e-4),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    return gan


if __name__ == "__main__":
    gan = build_gan()
    print(gan.generator(ops.convert_to_tensor(np.random.rand(2, LATENT))).shape)
