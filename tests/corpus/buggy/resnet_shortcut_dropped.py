"""ResNet block where the projection shortcut is computed but the Add uses the block input."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def residual_block(x, filters, stride):
    shortcut = x
    if stride != 1:
        shortcut = layers.Conv2D(filters, 1, strides=stride)(x)
        shortcut = layers.BatchNormalization()(shortcut)  # expect: KG103
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.BatchNormalization()(y)
    out = layers.Add()([layers.Conv2D(filters, 1, strides=stride)(x), y])
    return layers.Activation("relu")(out)


def build_resnet():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = residual_block(x, 32, stride=2)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    model = build_resnet()
    model.compile("adam", "sparse_categorical_crossentropy")
