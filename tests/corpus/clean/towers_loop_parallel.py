"""Multi-view model: one shared tower applied to each view in a loop (parallel paths), then
per-view heads created inside the loop."""

import numpy as np
import keras
from keras import layers

VIEWS = ("front", "side", "top")


def build_multiview(img=24):
    tower = keras.Sequential(
        [keras.Input(shape=(img, img, 1)), layers.Conv2D(8, 3, activation="relu"), layers.GlobalMaxPooling2D()],
        name="tower",
    )
    inputs, feats = [], []
    for view in VIEWS:
        inp = keras.Input(shape=(img, img, 1), name=view)
        inputs.append(inp)
        feats.append(layers.Dense(8, activation="relu", name=f"{view}_proj")(tower(inp)))
    x = layers.Concatenate()(feats)
    return keras.Model(inputs, layers.Dense(2, activation="softmax")(x))


if __name__ == "__main__":
    build_multiview().summary()
