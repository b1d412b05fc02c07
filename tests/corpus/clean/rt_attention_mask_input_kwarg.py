"""Padding mask given as its own Input and used only as the attention_mask= keyword of
MultiHeadAttention; token Input through Embedding."""

import keras
from keras import layers

LEN, VOCAB, DIM = 12, 100, 16


def build_masked_encoder():
    tokens = keras.Input(shape=(LEN,), dtype="int32", name="tokens")
    pad_mask = keras.Input(shape=(LEN, LEN), dtype="bool", name="pad_mask")
    x = layers.Embedding(VOCAB, DIM)(tokens)
    attn = layers.MultiHeadAttention(num_heads=2, key_dim=8)(x, x, attention_mask=pad_mask)
    x = layers.LayerNormalization()(x + attn)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model([tokens, pad_mask], layers.Dense(2)(x))
