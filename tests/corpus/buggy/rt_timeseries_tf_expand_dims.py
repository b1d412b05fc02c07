"""Univariate forecaster: the raw series gets a channel axis with tf.expand_dims on the
symbolic Input instead of a Reshape layer / keras.ops."""

import tensorflow as tf
import keras
from keras import layers

WINDOW = 32


def build_forecaster():
    series = keras.Input(shape=(WINDOW,), name="series")
    x = tf.expand_dims(series, axis=-1)  # expect: KG204
    x = layers.Conv1D(16, 5, padding="causal", activation="relu")(x)
    x = layers.Conv1D(16, 5, padding="causal", dilation_rate=2, activation="relu")(x)
    x = layers.GlobalAveragePooling1D()(x)
    forecast = layers.Dense(4)(x)
    return keras.Model(series, forecast)
