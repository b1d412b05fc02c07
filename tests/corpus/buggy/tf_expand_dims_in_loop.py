"""Multi-horizon forecaster that stacks per-horizon predictions with tf ops in a loop."""

import numpy as np
import tensorflow as tf
from tensorflow import keras

HORIZONS = (1, 7, 28)


def build_multi_horizon(window=56):
    series = keras.Input(shape=(window, 1))
    h = keras.layers.GRU(32)(series)
    preds = []
    for horizon in HORIZONS:
        p = keras.layers.Dense(1, name=f"h{horizon}")(h)
        preds.append(tf.expand_dims(p, axis=1))  # expect: KG204
    stacked = keras.layers.Concatenate(axis=1)(preds)
    return keras.Model(series, stacked)


if __name__ == "__main__":
    build_multi_horizon().summary()
