"""A variable first holds a layer, then its output (`x = Dense(..)` then `x = x(inputs)`),
and a layer applied to two branches that both come from the same input (not a chain)."""

import numpy as np
import keras
from keras import layers


def build_rebinding_style(n=16):
    inputs = keras.Input(shape=(n,))
    x = layers.Dense(32, activation="relu")
    x = x(inputs)
    y = layers.Dense(32, activation="tanh")(inputs)
    shared = layers.Dense(8)
    a = shared(x)
    b = shared(y)
    merged = layers.Concatenate()([a, b])
    return keras.Model(inputs, layers.Dense(1)(merged))


def build_lambda_with_tf_function():
    import tensorflow as tf

    inputs = keras.Input(shape=(10, 4))
    pooled = layers.Lambda(tf.reduce_mean, arguments={"axis": 1})(inputs)
    return keras.Model(inputs, layers.Dense(1)(pooled))


if __name__ == "__main__":
    build_rebinding_style().summary()
