"""Corrected version of ../buggy/so_xception_cifar_small.py."""
import keras
from keras import layers


def build_model():
    base = keras.applications.Xception(weights=None, include_top=False, input_shape=(96, 96, 3))
    x = layers.GlobalAveragePooling2D()(base.output)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(base.input, outputs)
