"""Config-driven 1-D CNN: the conv layer for each stage is created once per *config entry*
but the repeat loop inside a stage reuses it, tying the repeats' weights."""

import keras
from keras import layers

STAGES = [{"filters": 16, "repeat": 2}, {"filters": 32, "repeat": 1}]


def build_cnn1d(stages=STAGES):
    inputs = keras.Input(shape=(64, 4))
    x = inputs
    for stage in stages:
        conv = layers.Conv1D(stage["filters"], 3, padding="same", activation="relu")
        x = layers.Conv1D(stage["filters"], 1)(x)
        for _ in range(stage["repeat"]):
            x = conv(x)  # expect: KG301
        x = layers.MaxPooling1D()(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(1)(x))
