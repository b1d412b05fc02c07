"""Dataclass-configured encoder with an auxiliary reconstruction head computed for every
block but never listed in the outputs."""

from dataclasses import dataclass

import keras
from keras import layers


@dataclass
class Cfg:
    dim: int = 16
    depth: int = 2


def build_encoder(cfg=Cfg()):
    inputs = keras.Input(shape=(cfg.dim,))
    x = inputs
    for _ in range(cfg.depth):
        x = layers.Dense(cfg.dim, activation="relu")(x)
    recon = layers.Dense(cfg.dim, name="aux_recon")(x)  # expect: KG103
    out = layers.Dense(1, name="main")(x)
    return keras.Model(inputs, out)
