"""Layer factory via functools.partial: the pooling factory is applied without creating
the layer first (`Pool(x)` instead of `Pool()(x)`)."""

import functools

import keras
from keras import layers

Conv = functools.partial(layers.Conv2D, kernel_size=3, padding="same", activation="relu")


def build_small_cnn():
    inputs = keras.Input(shape=(32, 32, 3))
    x = Conv(16)(inputs)
    x = Conv(16)(x)
    pooled = layers.GlobalAveragePooling2D()
    out = layers.Dense(10)(pooled)  # expect: KG201
    return keras.Model(inputs, out)
