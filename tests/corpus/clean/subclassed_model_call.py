"""Subclassed model: layers created in __init__ and called inside call()."""

import numpy as np
import keras
from keras import layers


class ResidualMLP(keras.Model):
    def __init__(self, hidden=64, num_blocks=3, num_classes=4, **kwargs):
        super().__init__(**kwargs)
        self.stem = layers.Dense(hidden, activation="relu")
        self.blocks = [
            (layers.Dense(hidden, activation="relu"), layers.Dense(hidden), layers.LayerNormalization())
            for _ in range(num_blocks)
        ]
        self.head = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.stem(inputs)
        for up, down, norm in self.blocks:
            x = norm(x + down(up(x)))
        return self.head(x)


def build_residual_mlp():
    model = ResidualMLP()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model(np.zeros((1, 16), dtype="float32"))  # creates the weights
    return model


if __name__ == "__main__":
    model = build_residual_mlp()
    model.fit(np.random.rand(32, 16), np.random.randint(0, 4, 32), epochs=1)
