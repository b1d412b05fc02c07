"""Hand-written attention pooling using tf.matmul / tf.nn.softmax directly on the symbolic
tensors of a functional model (worked with tf.keras 2, raises in Keras 3)."""

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def build_attention_pool(seq=10, dim=16):
    tokens = keras.Input(shape=(seq, dim))
    query = layers.Dense(dim)(tokens)
    key = layers.Dense(dim)(tokens)
    scores = tf.matmul(query, key, transpose_b=True)  # expect: KG204
    weights = layers.Softmax(axis=-1)(scores)
    context = layers.Dot(axes=(2, 1))([weights, tokens])
    pooled = layers.GlobalAveragePooling1D()(context)
    return keras.Model(tokens, layers.Dense(1)(pooled))
