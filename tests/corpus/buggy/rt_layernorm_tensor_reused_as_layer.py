"""Pre-norm residual MLP: `norm` was assigned the *result* of a LayerNormalization call,
then used in the loop as if it were the layer."""

import keras
from keras import layers


def build_resmlp(dim=32, blocks=2):
    inputs = keras.Input(shape=(dim,))
    norm = layers.LayerNormalization(epsilon=1e-6)(inputs)
    x = inputs
    for _ in range(blocks):
        h = norm(x)  # expect: KG202
        h = layers.Dense(dim, activation="gelu")(h)
        x = layers.add([x, h])
    return keras.Model(inputs, layers.Dense(1)(x))
