"""Timeseries script with a Conv1D branch and an LSTM branch; the concatenate was edited
and no longer includes the LSTM features."""

import keras
from keras import layers

SEQ_LEN = 48
N_FEATURES = 6
HORIZON = 1


def make_model(seq_len, n_features):
    inputs = layers.Input(shape=(seq_len, n_features))
    conv = layers.Conv1D(32, 5, padding="causal", activation="relu")(inputs)
    conv = layers.Conv1D(32, 5, padding="causal", activation="relu")(conv)
    conv = layers.GlobalAveragePooling1D()(conv)

    rnn = layers.LSTM(32, return_sequences=True)(inputs)
    rnn = layers.LSTM(16)(rnn)  # expect: KG103

    merged = layers.concatenate([conv, conv])
    x = layers.Dense(32, activation="relu")(merged)
    outputs = layers.Dense(HORIZON)(x)
    return keras.Model(inputs, outputs)


def build_model():
    model = make_model(SEQ_LEN, N_FEATURES)
    model.compile(optimizer="adam", loss="mse")
    return model
