"""Pre-computed embedding matrix shared by two task models, frozen with trainable=False in
the constructor; and one backbone frozen once and used by two compiled heads."""

import numpy as np
import keras
from keras import layers

VOCAB, DIM, LEN = 200, 16, 10
MATRIX = np.random.rand(VOCAB, DIM).astype("float32")


def build_two_tasks():
    embedding = layers.Embedding(VOCAB, DIM, embeddings_initializer=keras.initializers.Constant(MATRIX), trainable=False)
    a_in = keras.Input(shape=(LEN,), dtype="int32")
    a = layers.GlobalAveragePooling1D()(embedding(a_in))
    sentiment = keras.Model(a_in, layers.Dense(1, activation="sigmoid")(a))
    sentiment.compile("adam", "binary_crossentropy")

    b_in = keras.Input(shape=(LEN,), dtype="int32")
    b = layers.GlobalMaxPooling1D()(embedding(b_in))
    topic = keras.Model(b_in, layers.Dense(5, activation="softmax")(b))
    topic.compile("adam", "sparse_categorical_crossentropy")
    return sentiment, topic


def build_frozen_backbone_heads():
    backbone_in = keras.Input(shape=(32,))
    backbone = keras.Model(backbone_in, layers.Dense(16, activation="relu")(backbone_in))
    backbone.trainable = False
    x = keras.Input(shape=(32,))
    feats = backbone(x, training=False)
    head_a = keras.Model(x, layers.Dense(1)(feats))
    head_a.compile("adam", "mse")
    head_b = keras.Model(x, layers.Dense(2, activation="softmax")(feats))
    head_b.compile("adam", "sparse_categorical_crossentropy")
    return head_a, head_b
