"""VAE whose sampling step was written with numpy on the symbolic tensors (no Sampling
layer): np.exp on a KerasTensor."""

import numpy as np
import keras
from keras import layers

DIM, LATENT = 16, 2


def build_vae_encoder():
    x_in = keras.Input(shape=(DIM,))
    h = layers.Dense(8, activation="relu")(x_in)
    z_mean = layers.Dense(LATENT)(h)
    z_log_var = layers.Dense(LATENT)(h)
    eps = np.random.normal(size=(LATENT,)).astype("float32")
    z = z_mean + np.exp(0.5 * z_log_var) * eps  # expect: KG204
    return keras.Model(x_in, [z_mean, z_log_var, z])
