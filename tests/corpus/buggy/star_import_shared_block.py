"""Old tutorial style with a star import: a Sequential "block" instance is created once
and applied twice in a row (tied weights), and a Dropout was never applied."""

import numpy as np
from keras.layers import *
from keras.models import Model, Sequential


def make_block(units):
    return Sequential([Dense(units, activation="relu"), BatchNormalization()])


def build_tabular_net(n_features=16):
    inp = Input(shape=(n_features,))
    x = Dense(64, activation="relu")(inp)
    block = make_block(64)
    x = block(x)
    Dropout(0.3)  # expect: KG203
    x = block(x)  # expect: KG301
    out = Dense(1, activation="sigmoid")(x)
    return Model(inputs=inp, outputs=out)


if __name__ == "__main__":
    m = build_tabular_net()
    m.compile("adam", "binary_crossentropy")
    m.fit(np.random.rand(8, 16), np.random.randint(0, 2, (8, 1)))
