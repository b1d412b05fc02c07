"""keras.io-style denoising diffusion: the trained network is applied to NumPy noise step
after step in the sampling loop (eager calls build no graph), and a transformer block made
of closures over its layers is stacked by a builder."""

import numpy as np
import keras
from keras import layers

IMAGE_SIZE = 16
STEPS = 5


def residual_block(width):
    norm = layers.BatchNormalization(center=False, scale=False)
    conv = layers.Conv2D(width, 3, padding="same", activation="swish")
    project = layers.Conv2D(width, 1)

    def apply(x):
        return layers.Add()([project(x), conv(norm(x))])

    return apply


def build_denoiser(widths=(8, 16)):
    noisy = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    x = layers.Conv2D(widths[0], 1)(noisy)
    for width in widths:
        x = residual_block(width)(x)
    noise = layers.Conv2D(3, 1, kernel_initializer="zeros")(x)
    return keras.Model(noisy, noise, name="denoiser")


def sample(denoiser, count=2, steps=STEPS):
    images = np.random.normal(size=(count, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32")
    for step in range(steps):
        predicted_noise = denoiser(images, training=False)
        images = images - (1.0 / steps) * keras.ops.convert_to_numpy(predicted_noise)
    return images


def build_and_sample():
    denoiser = build_denoiser()
    return denoiser, sample(denoiser)
