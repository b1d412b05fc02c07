"""Attention pooling written with raw TensorFlow ops on symbolic tensors (Keras 2 habit)."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def build_pooling_model(timesteps=30, dim=16):
    seq = keras.Input(shape=(timesteps, dim))
    h = layers.Dense(dim, activation="tanh")(seq)
    scores = tf.nn.softmax(layers.Dense(1)(h), axis=1)  # expect: KG204
    pooled = layers.Dot(axes=1)([scores, seq])
    return keras.Model(seq, layers.Dense(1)(layers.Flatten()(pooled)))


def build_mean_max_model(timesteps=30, dim=16):
    seq = keras.Input(shape=(timesteps, dim))
    h = layers.Conv1D(32, 3, activation="relu")(seq)
    mean = tf.reduce_mean(h, axis=1)  # expect: KG204
    return keras.Model(seq, layers.Dense(1)(mean))


if __name__ == "__main__":
    build_pooling_model().summary()
