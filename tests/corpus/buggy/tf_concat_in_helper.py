"""A merge helper that uses tf.concat instead of a Concatenate layer / keras.ops."""

import numpy as np
import tensorflow as tf

layers = tf.keras.layers


def merge(tensors):
    return tf.concat(tensors, axis=-1)  # expect: KG204


def build_fusion_model():
    a = layers.Input(shape=(8,), name="a")
    b = layers.Input(shape=(8,), name="b")
    ha = layers.Dense(16, activation="relu")(a)
    hb = layers.Dense(16, activation="relu")(b)
    fused = merge([ha, hb])
    return tf.keras.Model([a, b], layers.Dense(1)(fused))


if __name__ == "__main__":
    build_fusion_model().summary()
