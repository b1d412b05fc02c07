"""Transfer learning in Sequential form: the backbone, pooling, then the Dense head; and a
truncated model that shares layers with a compiled one but is only used for inference."""

import numpy as np
import keras
from keras import layers

IMG = 64


def build_sequential_transfer(weights=None):
    base = keras.applications.MobileNetV2(include_top=False, weights=weights, input_shape=(IMG, IMG, 3))
    base.trainable = False
    model = keras.Sequential([
        keras.Input(shape=(IMG, IMG, 3)),
        base,
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.2),
        layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def build_with_embedding_view():
    inputs = keras.Input(shape=(20,))
    h = layers.Dense(16, activation="relu", name="hidden")(inputs)
    out = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, out)
    model.compile("adam", "binary_crossentropy")
    embedder = keras.Model(model.input, model.get_layer("hidden").output)
    return model, embedder


if __name__ == "__main__":
    build_sequential_transfer(weights="imagenet").summary()
