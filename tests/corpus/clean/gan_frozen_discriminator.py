"""Classic DCGAN training setup (Keras 2 style): the discriminator is compiled, then frozen
before the combined generator+discriminator model is compiled."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

LATENT_DIM = 32
IMG_SHAPE = (28, 28, 1)


def make_generator():
    z = keras.Input(shape=(LATENT_DIM,))
    x = layers.Dense(7 * 7 * 32)(z)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((7, 7, 32))(x)
    x = layers.Conv2DTranspose(32, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.2)(x)
    img = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(z, img, name="generator")


def make_discriminator():
    img = keras.Input(shape=IMG_SHAPE)
    x = layers.Conv2D(32, 3, strides=2, padding="same")(img)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(64, 3, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    validity = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(img, validity, name="discriminator")


def build_gan():
    discriminator = make_discriminator()
    discriminator.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="binary_crossentropy")

    generator = make_generator()
    discriminator.trainable = False
    z = keras.Input(shape=(LATENT_DIM,))
    validity = discriminator(generator(z))
    combined = keras.Model(z, validity, name="gan")
    combined.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), loss="binary_crossentropy")
    return generator, discriminator, combined


def train(steps=2, batch=8):
    generator, discriminator, combined = build_gan()
    real = np.random.rand(64, *IMG_SHAPE).astype("float32") * 2 - 1
    for _ in range(steps):
        noise = np.random.normal(size=(batch, LATENT_DIM))
        fake = generator.predict(noise, verbose=0)
        idx = np.random.randint(0, len(real), batch)
        discriminator.train_on_batch(real[idx], np.ones((batch, 1)))
        discriminator.train_on_batch(fake, np.zeros((batch, 1)))
        combined.train_on_batch(noise, np.ones((batch, 1)))


if __name__ == "__main__":
    train()
