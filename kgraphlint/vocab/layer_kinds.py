"""Kinds of Keras layers by what they do to the shape of what they are given."""

from __future__ import annotations

# Layers whose output has the shape of their single input (a 4-D feature map
# stays one through them).
RANK_PRESERVING = frozenset(
    """
    Dropout SpatialDropout2D GaussianDropout GaussianNoise AlphaDropout
    BatchNormalization LayerNormalization GroupNormalization Activation ReLU
    LeakyReLU ELU PReLU Softmax Rescaling Identity
    """.split()
)
