"""Convolutional autoencoder assembled from encoder and decoder sub-models."""

import numpy as np
import keras
from keras import layers

IMG_SHAPE = (28, 28, 1)
LATENT = 16


def build_encoder():
    inputs = keras.Input(shape=IMG_SHAPE)
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    latent = layers.Dense(LATENT, name="latent")(x)
    return keras.Model(inputs, latent, name="encoder")


def build_decoder():
    latent_in = keras.Input(shape=(LATENT,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_in)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(x)
    return keras.Model(latent_in, outputs, name="decoder")


def build_autoencoder():
    encoder = build_encoder()
    decoder = build_decoder()
    images = keras.Input(shape=IMG_SHAPE)
    reconstruction = decoder(encoder(images))
    autoencoder = keras.Model(images, reconstruction, name="autoencoder")
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    return autoencoder, encoder, decoder


def main():
    autoencoder, encoder, _ = build_autoencoder()
    x = np.random.rand(32, *IMG_SHAPE).astype("float32")
    autoencoder.fit(x, x, epochs=1, batch_size=8)
    print(encoder.predict(x[:2]).shape)


if __name__ == "__main__":
    main()
