"""Dataclass config object (attribute access, not dict); blocks repeated cfg.depth times,
each repetition creating its own layers inside the loop."""

from dataclasses import dataclass, field

import keras
from keras import layers


@dataclass
class Config:
    seq_len: int = 16
    dim: int = 32
    depth: int = 3
    heads: int = 2
    labels: list = field(default_factory=lambda: ["pos", "neg"])


def encoder_block(x, cfg):
    attn = layers.MultiHeadAttention(num_heads=cfg.heads, key_dim=cfg.dim // cfg.heads)(x, x)
    x = layers.LayerNormalization()(layers.add([x, attn]))
    ff = layers.Dense(cfg.dim * 2, activation="gelu")(x)
    ff = layers.Dense(cfg.dim)(ff)
    return layers.LayerNormalization()(layers.add([x, ff]))


def build_encoder(cfg=Config()):
    inputs = keras.Input(shape=(cfg.seq_len, cfg.dim))
    x = inputs
    for _ in range(cfg.depth):
        x = encoder_block(x, cfg)
    x = layers.GlobalAveragePooling1D()(x)
    out = layers.Dense(len(cfg.labels), activation="softmax")(x)
    return keras.Model(inputs, out)
