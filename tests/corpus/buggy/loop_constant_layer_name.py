"""Blocks built in a loop with a constant name (the author forgot the f-string)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def build_conv_net(n_blocks=3):
    inputs = keras.Input(shape=(32, 32, 3))
    x = inputs
    for i in range(n_blocks):
        x = layers.Conv2D(16 * (i + 1), 3, padding="same", activation="relu", name="block_conv")(x)  # expect: KG304
        x = layers.MaxPooling2D(name=f"block{i}_pool")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10)(x))


if __name__ == "__main__":
    build_conv_net().summary()
