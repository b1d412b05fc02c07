"""Two stacked LSTMs for sentiment: the first one returns only its last state
(None, 64), so the second LSTM gets a 2-D tensor."""
import keras
from keras import layers

MAX_LEN, VOCAB = 100, 5000


def build_model():
    model = keras.Sequential([
        layers.Input(shape=(MAX_LEN,)),
        layers.Embedding(VOCAB, 32),
        layers.LSTM(64),
        layers.LSTM(32),  # expect: KG601
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
