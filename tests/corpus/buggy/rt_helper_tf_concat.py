"""Feature-fusion helper written with tf.concat, called from the builder on symbolic
tensors (the TF call happens inside the helper)."""

import tensorflow as tf
import keras
from keras import layers


def fuse(a, b):
    return tf.concat([a, b], axis=-1)  # expect: KG204


def build_fusion():
    img = keras.Input(shape=(16,))
    txt = keras.Input(shape=(8,))
    a = layers.Dense(8, activation="relu")(img)
    b = layers.Dense(8, activation="relu")(txt)
    fused = fuse(a, b)
    return keras.Model([img, txt], layers.Dense(1)(fused))
