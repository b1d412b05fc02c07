"""Corrected version of ../buggy/so_stacked_lstm_no_return_sequences.py."""
import keras
from keras import layers

MAX_LEN, VOCAB = 100, 5000


def build_model():
    model = keras.Sequential([
        layers.Input(shape=(MAX_LEN,)),
        layers.Embedding(VOCAB, 32),
        layers.LSTM(64, return_sequences=True),
        layers.LSTM(32),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
