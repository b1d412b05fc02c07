"""keras.io bidirectional LSTM IMDB script: the inner LSTM is called on x before being
wrapped, so Bidirectional receives a tensor."""

import keras
from keras import layers

max_features = 2000  # Only consider the top 2k words
maxlen = 50  # Only consider the first 50 words of each movie review


def build_model():
    # Input for variable-length sequences of integers
    inputs = keras.Input(shape=(None,), dtype="int32")
    # Embed each integer in a 128-dimensional vector
    x = layers.Embedding(max_features, 32)(inputs)
    # Add 2 bidirectional LSTMs
    x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(16)(x))  # expect: KG202
    # Add a classifier
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    return model
