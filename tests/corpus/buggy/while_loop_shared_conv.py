"""Progressive downsampling with a while loop; the 3x3 conv is created before the loop."""

import numpy as np
import keras
from keras import layers


def build_pyramid(size=64, min_size=8):
    inputs = keras.Input(shape=(size, size, 8))
    smooth = layers.Conv2D(8, 3, padding="same", activation="relu")
    x = inputs
    while size > min_size:
        x = smooth(x)  # expect: KG301
        x = layers.AveragePooling2D(2)(x)
        size //= 2
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(1)(x))


if __name__ == "__main__":
    build_pyramid().summary()
