"""Layer factory made with functools.partial; one conv was created but never applied."""

import functools

import numpy as np
import keras
from keras import layers

Conv3x3 = functools.partial(layers.Conv2D, kernel_size=3, padding="same", activation="relu")


def build_partial_cnn():
    inputs = keras.Input(shape=(32, 32, 3))
    x = Conv3x3(16)(inputs)
    x = Conv3x3(16)(x)
    x = layers.MaxPooling2D()(x)
    extra = Conv3x3(32)  # expect: KG203
    x = Conv3x3(32)(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10)(x))


if __name__ == "__main__":
    build_partial_cnn().summary()
