"""The Input is aliased (`x = inputs`) before preprocessing, so the model keeps the Input;
the pooled backbone (pooling="avg") gets a Dense head directly."""

import numpy as np
import keras
from keras import layers

IMG = 96


def build_pooled_transfer(use_imagenet=False):
    inputs = keras.Input(shape=(IMG, IMG, 3))
    x = inputs
    x = layers.RandomFlip("horizontal")(x)
    x = layers.Rescaling(1.0 / 127.5, offset=-1)(x)
    base = keras.applications.MobileNetV2(
        include_top=False, weights="imagenet" if use_imagenet else None, input_shape=(IMG, IMG, 3), pooling="avg"
    )
    base.trainable = False
    x = base(x, training=False)
    outputs = layers.Dense(5, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


if __name__ == "__main__":
    build_pooled_transfer(use_imagenet=True).summary()
