"""Functional generator script: the upsampling block's activation is written as a tensor
and then called again like a layer (the `(x)` was doubled)."""

import keras
from keras import layers

latent_dim = 16


def build_generator():
    noise = keras.Input(shape=(latent_dim,))
    x = layers.Dense(8 * 8 * 32)(noise)
    x = layers.Reshape((8, 8, 32))(x)
    x = layers.Conv2DTranspose(32, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU(negative_slope=0.2)(x)(x)  # expect: KG202
    img = layers.Conv2D(3, 3, padding="same", activation="tanh")(x)
    return keras.Model(noise, img, name="generator")
