"""Super-resolution for 1-D signals written with the 2-D layer: UpSampling2D
needs (batch, rows, cols, channels)."""
import keras
from keras import layers


def build_model():
    signal = keras.Input(shape=(256, 1))
    x = layers.Conv1D(16, 3, padding="same", activation="relu")(signal)
    x = layers.UpSampling2D()(x)  # expect: KG601
    outputs = layers.Conv1D(1, 3, padding="same")(x)
    return keras.Model(signal, outputs)
