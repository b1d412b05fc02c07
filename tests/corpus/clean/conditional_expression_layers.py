"""Optional layers through conditional expressions and try/except feature detection."""

import numpy as np
import keras
from keras import layers

try:
    GroupNorm = layers.GroupNormalization
except AttributeError:  # very old Keras
    GroupNorm = None


def build_optional_layers(use_dropout=True, use_norm=True, n=24):
    inputs = keras.Input(shape=(n,))
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.Dropout(0.3)(x) if use_dropout else x
    x = layers.LayerNormalization()(x) if use_norm else x
    x = layers.Reshape((8, 4))(x)
    x = GroupNorm(groups=2)(x) if GroupNorm is not None else x
    x = layers.Flatten()(x)
    return keras.Model(inputs, layers.Dense(1)(x))


def build_minimal():
    return build_optional_layers(use_dropout=False, use_norm=False)


if __name__ == "__main__":
    build_optional_layers().summary()
