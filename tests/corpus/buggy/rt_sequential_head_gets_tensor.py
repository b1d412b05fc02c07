"""A classification head assembled as a Sequential inside a functional model; one of its
"layers" is a pooled tensor instead of the pooling layer."""

import keras
from keras import layers


def build_head_model():
    image = keras.Input(shape=(16, 16, 8))
    features = layers.Conv2D(16, 3, activation="relu")(image)
    head = keras.Sequential([layers.GlobalAveragePooling2D()(features), layers.Dense(3)])  # expect: KG202
    return keras.Model(image, head(features))
