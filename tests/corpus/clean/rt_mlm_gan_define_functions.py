"""GAN in the machinelearningmastery style: define_discriminator() compiles the critic,
define_gan(g_model, d_model) freezes the discriminator it receives, then compiles."""

import numpy as np
from keras.models import Sequential, Model
from keras.layers import Dense, LeakyReLU, Input
from keras.optimizers import Adam


def define_discriminator(n_inputs=2):
    model = Sequential()
    model.add(Input(shape=(n_inputs,)))
    model.add(Dense(25, activation="relu", kernel_initializer="he_uniform"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def define_generator(latent_dim, n_outputs=2):
    z = Input(shape=(latent_dim,))
    h = Dense(15, kernel_initializer="he_uniform")(z)
    h = LeakyReLU()(h)
    return Model(z, Dense(n_outputs, activation="linear")(h))


def define_gan(generator, discriminator):
    discriminator.trainable = False
    z = Input(shape=generator.input_shape[1:])
    gan_output = discriminator(generator(z))
    model = Model(z, gan_output)
    model.compile(loss="binary_crossentropy", optimizer=Adam(learning_rate=2e-4, beta_1=0.5))
    return model


def build_gan(latent_dim=5):
    discriminator = define_discriminator()
    generator = define_generator(latent_dim)
    gan_model = define_gan(generator, discriminator)
    return discriminator, gan_model


if __name__ == "__main__":
    d, g = build_gan()
    d.train_on_batch(np.random.rand(4, 2), np.ones((4, 1)))
