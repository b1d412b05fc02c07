"""Augmentation + backbone: the backbone is created with input_shape= instead of
input_tensor=, and the head is put on base.output, which hangs off the backbone's own
Input, not off `inputs`."""

import keras
from keras import layers

IMG = (64, 64, 3)


def build_model():
    inputs = keras.Input(shape=IMG)
    x = layers.RandomFlip("horizontal")(inputs)
    x = layers.Rescaling(1.0 / 127.5, offset=-1)(x)
    base = keras.applications.MobileNetV2(input_shape=IMG, include_top=False, weights=None, alpha=0.35)
    x = layers.GlobalAveragePooling2D()(base.output)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)  # expect: KG101, KG102
