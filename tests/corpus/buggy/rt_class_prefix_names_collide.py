"""Two-tower builder class: both towers are built by one method with the same prefix,
so the second tower's layers get the first tower's names."""

import keras
from keras import layers


class TwoTower:
    def __init__(self, prefix="tower", dim=16):
        self.prefix = prefix
        self.dim = dim

    def tower(self, x):
        x = layers.Dense(32, activation="relu", name=f"{self.prefix}_dense")(x)  # expect: KG304
        return layers.Dense(self.dim, name=f"{self.prefix}_out")(x)

    def build(self):
        user = keras.Input(shape=(10,), name="user")
        item = keras.Input(shape=(12,), name="item")
        u = self.tower(user)
        v = self.tower(item)
        score = layers.Dot(axes=1)([u, v])
        return keras.Model([user, item], score)


def build_two_tower():
    return TwoTower().build()
