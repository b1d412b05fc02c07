"""NER tagger: a second Bidirectional LSTM is created (config said depth 2) but its call
was lost when refactoring; the CRF-less softmax head sits on the first one."""

import keras
from keras import layers


def build_tagger(vocab=300, length=20, tags=7):
    words = keras.Input(shape=(length,), dtype="int32")
    x = layers.Embedding(vocab, 32, mask_zero=True)(words)
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
    second = layers.Bidirectional(layers.LSTM(32, return_sequences=True))  # expect: KG203
    x = layers.Dropout(0.3)(x)
    out = layers.TimeDistributed(layers.Dense(tags, activation="softmax"))(x)
    return keras.Model(words, out)
