"""A contrastive siamese model and a downstream classifier share the same trainable
Embedding + tower layers; both are compiled and trained in turns."""

import numpy as np
import keras
from keras import layers, ops

VOCAB, MAXLEN = 1000, 20


def build_models():
    embed = layers.Embedding(VOCAB, 32)
    pool = layers.GlobalAveragePooling1D()
    proj = layers.Dense(16)

    def tower(t):
        return proj(pool(embed(t)))

    a = keras.Input(shape=(MAXLEN,), dtype="int32")
    b = keras.Input(shape=(MAXLEN,), dtype="int32")
    dist = ops.sum(ops.square(tower(a) - tower(b)), axis=-1, keepdims=True)
    siamese = keras.Model([a, b], dist)
    siamese.compile("adam", "mse")

    c = keras.Input(shape=(MAXLEN,), dtype="int32")
    label = layers.Dense(4, activation="softmax")(tower(c))
    classifier = keras.Model(c, label)  # expect: KG302
    classifier.compile("adam", "sparse_categorical_crossentropy")
    return siamese, classifier


if __name__ == "__main__":
    siamese, classifier = build_models()
