"""Hand-unrolled recurrence: one Dense "cell" is applied step after step along the hidden
state path (h_t = cell([x_t, h_{t-1}])): the hidden path goes through the same weights."""

import keras
from keras import layers

STEPS, FEAT, HIDDEN = 4, 6, 16


def build_unrolled():
    seq = keras.Input(shape=(STEPS, FEAT))
    cell = layers.Dense(HIDDEN, activation="tanh", name="cell")
    h = layers.Dense(HIDDEN)(layers.Flatten()(seq))
    for t in range(STEPS):
        x_t = layers.Lambda(lambda s, t=t: s[:, t, :])(seq)
        h = cell(layers.Concatenate()([x_t, h]))  # expect: KG301
    return keras.Model(seq, layers.Dense(1)(h))
