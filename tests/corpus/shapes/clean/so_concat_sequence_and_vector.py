"""Corrected version of ../buggy/so_concat_sequence_and_vector.py."""
import keras
from keras import layers


def build_model():
    text = keras.Input(shape=(50,), name="text")
    meta = keras.Input(shape=(8,), name="meta")
    x = layers.Embedding(10000, 64)(text)
    x = layers.LSTM(32)(x)
    m = layers.Dense(16, activation="relu")(meta)
    merged = layers.concatenate([x, m])
    outputs = layers.Dense(1, activation="sigmoid")(merged)
    return keras.Model([text, meta], outputs)
