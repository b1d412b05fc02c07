"""WGAN: the critic is frozen only after the combined model was compiled, so the combined
model's compile captured the critic's weights as trainable."""

from tensorflow import keras
from tensorflow.keras import layers, backend as K


def wasserstein(y_true, y_pred):
    return K.mean(y_true * y_pred)


class WGAN:
    def __init__(self, latent=20):
        self.latent = latent
        self.critic = self.make_critic()
        self.critic.compile(loss=wasserstein, optimizer=keras.optimizers.RMSprop(5e-5))
        self.generator = self.make_generator()
        z = layers.Input(shape=(latent,))
        self.combined = keras.Model(z, self.critic(self.generator(z)))  # expect: KG302
        self.combined.compile(loss=wasserstein, optimizer=keras.optimizers.RMSprop(5e-5))
        self.critic.trainable = False

    def make_critic(self):
        x = layers.Input(shape=(32,))
        h = layers.LeakyReLU()(layers.Dense(64)(x))
        return keras.Model(x, layers.Dense(1)(h))

    def make_generator(self):
        z = layers.Input(shape=(self.latent,))
        h = layers.Dense(64, activation="relu")(z)
        return keras.Model(z, layers.Dense(32)(h))


def build_wgan():
    gan = WGAN()
    return gan.critic, gan.combined
