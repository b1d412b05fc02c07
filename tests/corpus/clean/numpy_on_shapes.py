"""NumPy and math on static shapes of symbolic tensors (fine: shapes are plain ints)."""

import math

import numpy as np
import keras
from keras import layers


def build_reshaping_model():
    inputs = keras.Input(shape=(8, 8, 16))
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    flat_dim = int(np.prod(x.shape[1:]))
    x = layers.Reshape((flat_dim,))(x)
    bottleneck = max(8, int(math.sqrt(flat_dim)))
    x = layers.Dense(bottleneck, activation="relu")(x)
    side = int(np.sqrt(x.shape[-1] * 4))
    x = layers.Dense(side * side)(x)
    x = layers.Reshape((side, side, 1))(x)
    return keras.Model(inputs, x)


if __name__ == "__main__":
    m = build_reshaping_model()
    print(m.predict(np.random.rand(1, 8, 8, 16)).shape)
