"""Variational autoencoder: custom Sampling layer, encoder returning three tensors."""

import numpy as np
import keras
from keras import layers, ops

LATENT = 2


class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(shape=ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps


def build_vae_parts():
    enc_in = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(enc_in)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(LATENT, name="z_mean")(x)
    z_log_var = layers.Dense(LATENT, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(enc_in, [z_mean, z_log_var, z], name="encoder")

    dec_in = keras.Input(shape=(LATENT,))
    y = layers.Dense(14 * 14 * 32, activation="relu")(dec_in)
    y = layers.Reshape((14, 14, 32))(y)
    dec_out = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(y)
    decoder = keras.Model(dec_in, dec_out, name="decoder")
    return encoder, decoder


if __name__ == "__main__":
    encoder, decoder = build_vae_parts()
    z_mean, _, z = encoder.predict(np.random.rand(2, 28, 28, 1))
    print(decoder.predict(z).shape)
