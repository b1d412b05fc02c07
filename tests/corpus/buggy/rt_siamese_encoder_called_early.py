"""Siamese builder: the encoder model is applied to the first image at assignment time,
then the resulting tensor is "called" on the second image."""

import keras
from keras import layers


def make_encoder():
    img = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(8, 3, activation="relu")(img)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(img, layers.Dense(16)(x))


def build_siamese():
    img_a = keras.Input(shape=(28, 28, 1))
    img_b = keras.Input(shape=(28, 28, 1))
    encoder = make_encoder()(img_a)
    emb_b = encoder(img_b)  # expect: KG202
    dist = layers.Subtract()([encoder, emb_b])
    return keras.Model([img_a, img_b], layers.Dense(1, activation="sigmoid")(dist))
