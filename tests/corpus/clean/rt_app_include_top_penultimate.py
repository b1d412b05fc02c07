"""Full backbone (include_top=True) reused for a new task from its penultimate (pooled)
layer's output; and a backbone frozen layer by layer shared by two compiled heads."""

import keras
from keras import layers


def build_from_penultimate():
    base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=True, weights=None, alpha=0.35, classes=10)
    features = base.layers[-2].output
    out = layers.Dense(3, activation="softmax")(features)
    return keras.Model(base.input, out)


def build_two_heads_frozen_layers():
    base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35, pooling="avg")
    for layer in base.layers:
        layer.trainable = False
    inputs = keras.Input(shape=(64, 64, 3))
    feats = base(inputs)
    a = keras.Model(inputs, layers.Dense(2, activation="softmax")(feats))
    a.compile("adam", "sparse_categorical_crossentropy")
    b = keras.Model(inputs, layers.Dense(1)(feats))
    b.compile("adam", "mse")
    return a, b
