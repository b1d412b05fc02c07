"""Residual blocks written as closures: when the channel count changes the closure computes
a 1x1 projection of the shortcut but then adds the unprojected input... which only works
because the shapes happen to match here; the projection branch is dead."""

import keras
from keras import layers


def make_block(filters):
    def apply(x):
        shortcut = x
        if x.shape[-1] != filters:
            proj = layers.Conv2D(filters, 1)(x)
            proj = layers.BatchNormalization()(proj)  # expect: KG103
        y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        y = layers.Conv2D(x.shape[-1], 3, padding="same")(y)
        return layers.ReLU()(layers.Add()([y, shortcut]))

    return apply


def build_net():
    inputs = keras.Input(shape=(16, 16, 8))
    x = make_block(8)(inputs)
    x = make_block(16)(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(3)(x))
