"""Corrected version of ../buggy/so_upsampling2d_on_sequence.py."""
import keras
from keras import layers


def build_model():
    signal = keras.Input(shape=(256, 1))
    x = layers.Conv1D(16, 3, padding="same", activation="relu")(signal)
    x = layers.UpSampling1D()(x)
    outputs = layers.Conv1D(1, 3, padding="same")(x)
    return keras.Model(signal, outputs)
