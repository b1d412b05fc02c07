"""GAN generator: the Dense projection is fed to Conv2DTranspose without being
reshaped into a feature map."""
import keras
from keras import layers

NOISE = 100


def build_generator():
    noise = keras.Input(shape=(NOISE,))
    x = layers.Dense(7 * 7 * 128)(noise)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2DTranspose(64, 4, strides=2, padding="same")(x)  # expect: KG601
    x = layers.LeakyReLU(0.2)(x)
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(noise, image, name="generator")
