"""Multi-scale pooling where one pooling layer was put in the merge list uncalled."""

import numpy as np
import keras
from keras import layers


def build_pooling_head():
    inputs = keras.Input(shape=(16, 16, 64))
    avg = layers.GlobalAveragePooling2D()(inputs)
    mx = layers.GlobalMaxPooling2D()
    merged = layers.Concatenate()([avg, mx])  # expect: KG201
    out = layers.Dense(5, activation="softmax")(merged)
    return keras.Model(inputs, out)


if __name__ == "__main__":
    m = build_pooling_head()
    m.summary()
