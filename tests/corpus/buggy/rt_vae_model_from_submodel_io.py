"""VAE assembled from the sub-models' own inputs/outputs: the decoder's outputs hang off
the decoder's own Input, not off the encoder's input."""

import keras
from keras import layers, ops

DIM, LATENT = 16, 2


class Sampling(layers.Layer):
    def call(self, inputs):
        mean, log_var = inputs
        return mean + ops.exp(0.5 * log_var) * keras.random.normal(ops.shape(mean))


def build_vae():
    enc_in = keras.Input(shape=(DIM,))
    h = layers.Dense(8, activation="relu")(enc_in)
    z_mean = layers.Dense(LATENT)(h)
    z_log_var = layers.Dense(LATENT)(h)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(enc_in, [z_mean, z_log_var, z], name="encoder")

    dec_in = keras.Input(shape=(LATENT,))
    h = layers.Dense(8, activation="relu")(dec_in)
    decoder = keras.Model(dec_in, layers.Dense(DIM, activation="sigmoid")(h), name="decoder")

    vae = keras.Model(encoder.inputs, decoder.outputs, name="vae")  # expect: KG101, KG102
    return vae
