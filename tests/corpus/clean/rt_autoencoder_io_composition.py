"""Autoencoder composed from sub-model attributes: Model(encoder.input,
decoder(encoder.output)); classifier head via a Sequential on base.output."""

import keras
from keras import layers


def build_autoencoder():
    enc_in = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(enc_in)
    x = layers.Flatten()(x)
    encoder = keras.Model(enc_in, layers.Dense(4)(x), name="encoder")

    dec_in = keras.Input(shape=(4,))
    y = layers.Dense(14 * 14 * 8, activation="relu")(dec_in)
    y = layers.Reshape((14, 14, 8))(y)
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(y)
    decoder = keras.Model(dec_in, y, name="decoder")

    autoencoder = keras.Model(encoder.input, decoder(encoder.output), name="autoencoder")
    autoencoder.compile("adam", "mse")
    head = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(10, activation="softmax")])
    classifier = keras.Model(encoder.inputs, head(encoder.outputs[0]))
    return autoencoder, classifier
