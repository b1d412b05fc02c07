"""Layer classes kept in a dict literal (looked up by key, then instantiated) and a layer passed as the
activation= of Dense; a weightless Activation instance reused along the path."""

import keras
from keras import layers

ACT = layers.Activation("relu")


def build_cfg_mlp(act_name="leaky"):
    activations = {"leaky": layers.LeakyReLU, "elu": layers.ELU}
    inputs = keras.Input(shape=(10,))
    x = layers.Dense(32)(inputs)
    x = activations[act_name]()(x)
    x = ACT(layers.Dense(32)(x))
    x = ACT(layers.Dense(16)(x))
    x = layers.Dense(8, activation=layers.PReLU())(x)
    return keras.Model(inputs, layers.Dense(1)(x))
