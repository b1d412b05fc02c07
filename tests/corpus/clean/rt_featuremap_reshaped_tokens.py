"""Hybrid CNN-transformer: the headless backbone's feature map is reshaped to a token
sequence before the Dense projection; a second backbone has pooling set by a constant."""

import keras
from keras import layers

POOLING = "avg"


def build_hybrid():
    base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35)
    tokens = layers.Reshape((-1, base.output.shape[-1]))(base.output)
    tokens = layers.Dense(32)(tokens)
    attn = layers.MultiHeadAttention(num_heads=2, key_dim=16)(tokens, tokens)
    x = layers.GlobalAveragePooling1D()(attn)
    return keras.Model(base.input, layers.Dense(4)(x))


def build_pooled_constant():
    base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35, pooling=POOLING)
    x = layers.Dense(64, activation="relu")(base.output)
    return keras.Model(base.input, layers.Dense(4)(x))
