"""Corrected version of ../buggy/so_autoencoder_reshape_size.py."""
import keras
from keras import layers

LATENT = 32


def build_decoder():
    latent = keras.Input(shape=(LATENT,))
    x = layers.Dense(256, activation="relu")(latent)
    x = layers.Reshape((4, 4, 16))(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(x)
    return keras.Model(latent, outputs, name="decoder")
