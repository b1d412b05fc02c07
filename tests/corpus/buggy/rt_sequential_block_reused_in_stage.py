"""A conv block defined once as a small Sequential and applied repeatedly in the stage
loop: every repetition runs the same conv weights."""

import keras
from keras import layers


def build_stage_cnn(repeats=2):
    inputs = keras.Input(shape=(32, 32, 16))
    block = keras.Sequential([
        layers.Conv2D(16, 3, padding="same"),
        layers.BatchNormalization(),
        layers.ReLU(),
    ])
    x = inputs
    for _ in range(repeats):
        x = block(x)  # expect: KG301
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10)(x))
