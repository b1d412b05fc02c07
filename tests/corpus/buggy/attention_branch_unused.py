"""Sequence tagger: the self-attention branch is computed and normalized, but the tagging
head is still applied to the LSTM output `x`, so the attention result is dropped."""

import numpy as np
import keras
from keras import layers

CFG = {"vocab": 1000, "maxlen": 30, "dim": 32, "tags": 9}


def build_tagger(cfg=CFG):
    tokens = keras.Input(shape=(cfg["maxlen"],), dtype="int32")
    x = layers.Embedding(cfg["vocab"], cfg["dim"])(tokens)
    x = layers.Bidirectional(layers.LSTM(cfg["dim"] // 2, return_sequences=True))(x)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    attended = layers.LayerNormalization()(attended)  # expect: KG103
    tags = layers.TimeDistributed(layers.Dense(cfg["tags"], activation="softmax"))(x)
    model = keras.Model(tokens, tags)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


if __name__ == "__main__":
    m = build_tagger()
    m.fit(np.random.randint(0, 1000, (4, 30)), np.random.randint(0, 9, (4, 30)))
