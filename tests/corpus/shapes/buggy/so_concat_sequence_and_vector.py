"""Text + metadata model: the LSTM returns sequences (3-D) and is concatenated
with the 2-D metadata branch."""
import keras
from keras import layers


def build_model():
    text = keras.Input(shape=(50,), name="text")
    meta = keras.Input(shape=(8,), name="meta")
    x = layers.Embedding(10000, 64)(text)
    x = layers.LSTM(32, return_sequences=True)(x)
    m = layers.Dense(16, activation="relu")(meta)
    merged = layers.concatenate([x, m])  # expect: KG602
    outputs = layers.Dense(1, activation="sigmoid")(merged)
    return keras.Model([text, meta], outputs)
