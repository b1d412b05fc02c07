"""Head attached to base.layers[-1].output of a headless backbone, skipping pooling."""

import keras
from keras import layers


def build_head():
    base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35)
    base.trainable = False
    x = base.layers[-1].output
    out = layers.Dense(3, activation="softmax")(x)  # expect: KG503
    return keras.Model(base.input, out)
