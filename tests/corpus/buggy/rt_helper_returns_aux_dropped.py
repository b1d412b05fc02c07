"""A block helper returns (main, aux); the caller unpacks both but never uses aux."""

import keras
from keras import layers


def inception_aux_block(x, filters):
    main = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    aux = layers.GlobalAveragePooling2D()(main)
    aux = layers.Dense(10, activation="softmax")(aux)  # expect: KG103
    return main, aux


def build_inception_lite():
    inputs = keras.Input(shape=(32, 32, 3))
    x, aux_logits = inception_aux_block(inputs, 16)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
