"""1-D GAN in the machinelearningmastery style: Sequential generator and discriminator
stacked with Sequential.add() after `discriminator.trainable = False`."""

from keras.models import Sequential
from keras.layers import Dense, Input


def define_discriminator(n_inputs=2):
    model = Sequential()
    model.add(Input(shape=(n_inputs,)))
    model.add(Dense(25, activation="relu", kernel_initializer="he_uniform"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def define_generator(latent_dim, n_outputs=2):
    model = Sequential()
    model.add(Input(shape=(latent_dim,)))
    model.add(Dense(15, activation="relu", kernel_initializer="he_uniform"))
    model.add(Dense(n_outputs, activation="linear"))
    return model


def define_gan(generator, discriminator):
    discriminator.trainable = False
    model = Sequential()
    model.add(generator)
    model.add(discriminator)
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def build_gan(latent_dim=5):
    discriminator = define_discriminator()
    generator = define_generator(latent_dim)
    return discriminator, define_gan(generator, discriminator)
