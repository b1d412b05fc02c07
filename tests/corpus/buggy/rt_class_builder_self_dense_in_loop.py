"""Builder class creates its hidden layer once in __init__ and applies it in a depth loop:
every "layer" of the MLP is the same Dense, weights tied by accident."""

import keras
from keras import layers


class MLPBuilder:
    def __init__(self, width=64, depth=3, n_out=1):
        self.depth = depth
        self.inp_proj = layers.Dense(width, activation="relu")
        self.hidden = layers.Dense(width, activation="relu")
        self.out = layers.Dense(n_out)

    def build(self, n_features=8):
        inputs = keras.Input(shape=(n_features,))
        x = self.inp_proj(inputs)
        for _ in range(self.depth):
            x = self.hidden(x)  # expect: KG301
        return keras.Model(inputs, self.out(x))


def build_mlp():
    model = MLPBuilder().build()
    model.compile("adam", "mse")
    return model
