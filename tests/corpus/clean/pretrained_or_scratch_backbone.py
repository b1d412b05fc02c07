"""Backbone chosen by a flag: a keras.applications model (with pooling) or a small
from-scratch CNN; the head is the same in both cases."""

import numpy as np
import keras
from keras import layers

IMG = 64


def small_cnn():
    inp = keras.Input(shape=(IMG, IMG, 3))
    x = layers.Conv2D(16, 3, activation="relu")(inp)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inp, x, name="scratch")


def build_classifier(pretrained=False, n_classes=4):
    if pretrained:
        backbone = keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=(IMG, IMG, 3), pooling="avg")
    else:
        backbone = small_cnn()
    inputs = keras.Input(shape=(IMG, IMG, 3))
    features = backbone(inputs)
    outputs = layers.Dense(n_classes, activation="softmax")(features)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    build_classifier(pretrained=True).summary()
