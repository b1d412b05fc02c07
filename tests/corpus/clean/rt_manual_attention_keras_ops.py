"""Scaled dot-product attention written with keras.ops on symbolic tensors (no layer
wrapper), plus arithmetic operators on KerasTensors."""

import math

import keras
from keras import layers, ops

SEQ, DIM = 12, 16


def attention(q, k, v):
    scores = ops.matmul(q, ops.transpose(k, (0, 2, 1))) / math.sqrt(DIM)
    weights = ops.softmax(scores, axis=-1)
    return ops.matmul(weights, v)


def build_attention_pooling():
    tokens = keras.Input(shape=(SEQ, DIM))
    q = layers.Dense(DIM)(tokens)
    k = layers.Dense(DIM)(tokens)
    v = layers.Dense(DIM)(tokens)
    context = attention(q, k, v)
    x = layers.LayerNormalization()(tokens + context)
    x = ops.mean(x, axis=1)
    x = ops.concatenate([x, ops.max(tokens, axis=1)], axis=-1)
    out = layers.Dense(1)(x * 0.5)
    model = keras.Model(tokens, out)
    model.compile("adam", "mse")
    return model
