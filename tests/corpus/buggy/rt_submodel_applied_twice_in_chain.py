"""Denoiser sub-model applied twice in a row (`denoise(denoise(x))`) meaning two stages,
but both stages are the same model instance."""

import keras
from keras import layers


def make_denoiser():
    noisy = keras.Input(shape=(64,))
    h = layers.Dense(32, activation="relu")(noisy)
    return keras.Model(noisy, layers.Dense(64)(h), name="denoiser")


def build_two_stage():
    denoise = make_denoiser()
    signal = keras.Input(shape=(64,))
    stage1 = denoise(signal)
    stage2 = denoise(stage1)  # expect: KG301
    return keras.Model(signal, stage2)
