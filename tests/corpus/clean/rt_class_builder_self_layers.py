"""Builder object that creates its layers in __init__ (on self) and wires them in methods;
the shared embedding is applied to two parallel inputs (query, document)."""

import keras
from keras import layers


class DualEncoderBuilder:
    def __init__(self, vocab_size=500, dim=32, max_len=20):
        self.max_len = max_len
        self.embedding = layers.Embedding(vocab_size, dim, name="shared_embedding")
        self.pool = layers.GlobalAveragePooling1D()
        self.proj = layers.Dense(dim, activation="relu", name="projection")
        self.score = layers.Dense(1, activation="sigmoid", name="score")

    def encode(self, tokens):
        x = self.embedding(tokens)
        x = self.pool(x)
        return self.proj(x)

    def build(self):
        query = keras.Input(shape=(self.max_len,), dtype="int32", name="query")
        doc = keras.Input(shape=(self.max_len,), dtype="int32", name="doc")
        q = self.encode(query)
        d = self.encode(doc)
        merged = layers.Multiply()([q, d])
        model = keras.Model([query, doc], self.score(merged), name="dual_encoder")
        model.compile("adam", "binary_crossentropy")
        return model


def build_dual_encoder():
    return DualEncoderBuilder().build()
