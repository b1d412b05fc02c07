"""WGAN (Keras 2 style): critic compiled with RMSprop, frozen via a helper before the
generator-through-critic model is compiled; the training loop toggles trainable later."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers, backend as K

LATENT = 20


def wasserstein_loss(y_true, y_pred):
    return K.mean(y_true * y_pred)


def set_trainable(model, value):
    model.trainable = value
    for layer in model.layers:
        layer.trainable = value


class WGAN:
    def __init__(self):
        self.critic = self.make_critic()
        self.critic.compile(loss=wasserstein_loss, optimizer=keras.optimizers.RMSprop(5e-5))
        self.generator = self.make_generator()
        set_trainable(self.critic, False)
        z = layers.Input(shape=(LATENT,))
        valid = self.critic(self.generator(z))
        self.combined = keras.Model(z, valid)
        self.combined.compile(loss=wasserstein_loss, optimizer=keras.optimizers.RMSprop(5e-5))

    def make_critic(self):
        x_in = layers.Input(shape=(32,))
        h = layers.Dense(64)(x_in)
        h = layers.LeakyReLU()(h)
        return keras.Model(x_in, layers.Dense(1)(h), name="critic")

    def make_generator(self):
        z = layers.Input(shape=(LATENT,))
        h = layers.Dense(64, activation="relu")(z)
        return keras.Model(z, layers.Dense(32, activation="tanh")(h), name="generator")

    def train(self, steps=1):
        for _ in range(steps):
            set_trainable(self.critic, True)
            self.critic.train_on_batch(np.random.rand(4, 32), -np.ones((4, 1)))
            set_trainable(self.critic, False)
            self.combined.train_on_batch(np.random.rand(4, LATENT), -np.ones((4, 1)))


def build_wgan():
    gan = WGAN()
    return gan.critic, gan.combined
