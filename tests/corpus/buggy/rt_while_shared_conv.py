"""Refinement loop: one conv layer applied until the requested number of refinement steps,
created before the while loop."""

import keras
from keras import layers


def build_refiner(steps=3):
    img = keras.Input(shape=(16, 16, 8))
    refine = layers.Conv2D(8, 3, padding="same", activation="relu")
    x = img
    i = 0
    while i < steps:
        x = layers.add([x, refine(x)])  # expect: KG301
        i += 1
    return keras.Model(img, layers.Conv2D(1, 1)(x))
