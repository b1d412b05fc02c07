"""GAN in the machinelearningmastery style where define_gan() forgot
`d_model.trainable = False`: the composite model also trains the discriminator."""

from keras.models import Sequential, Model
from keras.layers import Dense, Input


def define_discriminator(n_inputs=2):
    model = Sequential()
    model.add(Input(shape=(n_inputs,)))
    model.add(Dense(25, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def define_generator(latent_dim, n_outputs=2):
    model = Sequential()
    model.add(Input(shape=(latent_dim,)))
    model.add(Dense(15, activation="relu"))
    model.add(Dense(n_outputs, activation="linear"))
    return model


def define_gan(g_model, d_model):
    z = Input(shape=(5,))
    model = Model(z, d_model(g_model(z)))  # expect: KG302
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def build_gan():
    d = define_discriminator()
    g = define_generator(5)
    return d, define_gan(g, d)
