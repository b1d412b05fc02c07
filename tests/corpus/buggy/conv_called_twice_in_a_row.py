"""Copy-paste of `x = conv(x)`: the same Conv2D instance applied twice in sequence."""

import numpy as np
import keras
from keras import layers


def build_denoiser():
    noisy = keras.Input(shape=(64, 64, 1))
    conv = layers.Conv2D(1, 3, padding="same", activation="relu")
    x = layers.Conv2D(1, 3, padding="same", activation="relu")(noisy)
    x = conv(x)
    x = conv(x)  # expect: KG301
    clean = layers.Add()([noisy, x])
    model = keras.Model(noisy, clean)
    model.compile("adam", "mse")
    return model


if __name__ == "__main__":
    m = build_denoiser()
    m.fit(np.random.rand(4, 64, 64, 1), np.random.rand(4, 64, 64, 1))
