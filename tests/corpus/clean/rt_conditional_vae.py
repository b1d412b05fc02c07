"""Conditional VAE: encoder returns [z_mean, z_log_var, z]; decoder takes [z, label];
the end-to-end model wires the sub-models together and is the only compiled one."""

import keras
from keras import layers, ops

DIM, LATENT, N_LABELS = 20, 2, 3


class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(shape=ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * eps


def make_encoder():
    x_in = keras.Input(shape=(DIM,))
    y_in = keras.Input(shape=(N_LABELS,))
    h = layers.Dense(16, activation="relu")(layers.Concatenate()([x_in, y_in]))
    z_mean = layers.Dense(LATENT, name="z_mean")(h)
    z_log_var = layers.Dense(LATENT, name="z_log_var")(h)
    z = Sampling()([z_mean, z_log_var])
    return keras.Model([x_in, y_in], [z_mean, z_log_var, z], name="encoder")


def make_decoder():
    z_in = keras.Input(shape=(LATENT,))
    y_in = keras.Input(shape=(N_LABELS,))
    h = layers.Dense(16, activation="relu")(layers.concatenate([z_in, y_in]))
    return keras.Model([z_in, y_in], layers.Dense(DIM, activation="sigmoid")(h), name="decoder")


def build_cvae():
    encoder = make_encoder()
    decoder = make_decoder()
    x = keras.Input(shape=(DIM,), name="x")
    y = keras.Input(shape=(N_LABELS,), name="y")
    _, _, z = encoder([x, y])
    recon = decoder([z, y])
    cvae = keras.Model(inputs=[x, y], outputs=recon, name="cvae")
    cvae.compile(optimizer="adam", loss="binary_crossentropy")
    return cvae, encoder, decoder
