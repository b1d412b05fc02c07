"""Corrected version of ../buggy/so_generator_missing_reshape.py."""
import keras
from keras import layers

NOISE = 100


def build_generator():
    noise = keras.Input(shape=(NOISE,))
    x = layers.Dense(7 * 7 * 128)(noise)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((7, 7, 128))(x)
    x = layers.Conv2DTranspose(64, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.2)(x)
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(noise, image, name="generator")
