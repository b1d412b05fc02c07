"""One backbone frozen layer by layer, then shared by two compiled task models (fine:
the shared layers are not trainable in either)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def build_heads():
    inp = keras.Input(shape=(24,))
    h = layers.Dense(32, activation="relu")(inp)
    h = layers.Dense(16, activation="relu")(h)
    backbone = keras.Model(inp, h, name="backbone")
    for layer in backbone.layers:
        layer.trainable = False

    x1 = keras.Input(shape=(24,))
    head1 = keras.Model(x1, layers.Dense(1)(backbone(x1)), name="regression")
    head1.compile("adam", "mse")

    x2 = keras.Input(shape=(24,))
    head2 = keras.Model(x2, layers.Dense(3, activation="softmax")(backbone(x2)), name="classification")
    head2.compile("adam", "sparse_categorical_crossentropy")
    return head1, head2


if __name__ == "__main__":
    h1, h2 = build_heads()
    h1.fit(np.random.rand(8, 24), np.random.rand(8, 1))
