"""Keras-version shim (`keras` or `tf.keras`), and a tf.reduce_max on the symbolic
sequence output inside the builder."""

import tensorflow as tf

try:
    import keras
except ImportError:  # pragma: no cover
    keras = tf.keras


def build_max_pool_tagger(steps=12, dim=6):
    seq = keras.Input(shape=(steps, dim))
    h = keras.layers.LSTM(16, return_sequences=True)(seq)
    pooled = tf.reduce_max(h, axis=1)  # expect: KG204
    return keras.Model(seq, keras.layers.Dense(3, activation="softmax")(pooled))
