"""Pre-trained embedding prepared and frozen (`emb.trainable = False`), but the graph
below builds a fresh Embedding instead, so the frozen one is never called."""

import numpy as np
import keras
from keras import layers

VOCAB, DIM, LEN = 300, 16, 20
GLOVE = np.random.rand(VOCAB, DIM).astype("float32")


def build_glove_classifier():
    emb = layers.Embedding(VOCAB, DIM, embeddings_initializer=keras.initializers.Constant(GLOVE))  # expect: KG203
    emb.trainable = False
    tokens = keras.Input(shape=(LEN,), dtype="int32")
    x = layers.Embedding(VOCAB, DIM)(tokens)
    x = layers.Bidirectional(layers.LSTM(16))(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(tokens, out)
