"""Keras 3 functions reached through the tf.keras namespace (tf.keras.ops,
tf.keras.activations, tf.keras.losses) on symbolic tensors: these are Keras ops, not TF."""

import tensorflow as tf

layers = tf.keras.layers


def build_similarity():
    a = tf.keras.Input(shape=(16,))
    b = tf.keras.Input(shape=(16,))
    ea = layers.Dense(8)(a)
    eb = layers.Dense(8)(b)
    ea = tf.keras.activations.gelu(ea)
    eb = tf.keras.ops.normalize(eb, axis=-1)
    sim = tf.keras.ops.sum(ea * eb, axis=-1, keepdims=True)
    out = tf.keras.layers.Dense(1, activation="sigmoid")(sim)
    return tf.keras.Model([a, b], out)
