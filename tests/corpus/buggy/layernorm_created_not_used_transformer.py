"""Functional transformer block in a helper: the second LayerNormalization was created but
the residual sum is returned un-normalized."""

import numpy as np
import keras
from keras import layers


def transformer_block(x, dim, heads, ff):
    norm1 = layers.LayerNormalization(epsilon=1e-6)
    norm2 = layers.LayerNormalization(epsilon=1e-6)  # expect: KG203
    attn = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)(x, x)
    x = norm1(layers.Add()([x, attn]))
    h = layers.Dense(ff, activation="gelu")(x)
    h = layers.Dense(dim)(h)
    return layers.Add()([x, h])


def build_encoder(seq_len=16, dim=32):
    inputs = keras.Input(shape=(seq_len, dim))
    x = inputs
    for _ in range(2):
        x = transformer_block(x, dim, heads=4, ff=64)
    pooled = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(1)(pooled))


if __name__ == "__main__":
    build_encoder().summary()
