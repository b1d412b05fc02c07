"""Siamese network for signature verification: one encoder applied to both images."""

import numpy as np
import keras
from keras import layers, ops

IMG_SHAPE = (32, 32, 1)


def make_encoder(embedding_dim=32):
    inp = keras.Input(shape=IMG_SHAPE)
    x = layers.Conv2D(16, 3, activation="relu")(inp)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(embedding_dim)(x)
    return keras.Model(inp, x, name="encoder")


def euclidean_distance(vectors):
    a, b = vectors
    squared = ops.sum(ops.square(a - b), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(squared, keras.backend.epsilon()))


def build_siamese():
    encoder = make_encoder()
    left = keras.Input(shape=IMG_SHAPE, name="left")
    right = keras.Input(shape=IMG_SHAPE, name="right")
    emb_left = encoder(left)
    emb_right = encoder(right)
    distance = layers.Lambda(euclidean_distance, output_shape=(1,))([emb_left, emb_right])
    score = layers.Dense(1, activation="sigmoid")(distance)
    model = keras.Model([left, right], score)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def main():
    model = build_siamese()
    a = np.random.rand(16, *IMG_SHAPE).astype("float32")
    b = np.random.rand(16, *IMG_SHAPE).astype("float32")
    model.fit([a, b], np.random.randint(0, 2, (16, 1)), epochs=1)


if __name__ == "__main__":
    main()
