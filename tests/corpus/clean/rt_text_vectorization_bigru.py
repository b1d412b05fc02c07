"""End-to-end string model: TextVectorization inside the graph, then Embedding,
Bidirectional GRU (sequence) and a second Bidirectional LSTM, max+avg pooling."""

import keras
from keras import layers

VOCAB = ["the", "movie", "was", "great", "bad", "plot", "actor"]
SEQ_LEN = 16


def build_sentiment():
    text = keras.Input(shape=(1,), dtype="string", name="review")
    vectorize = layers.TextVectorization(
        max_tokens=len(VOCAB) + 2, output_sequence_length=SEQ_LEN, vocabulary=VOCAB
    )
    tokens = vectorize(text)
    x = layers.Embedding(len(VOCAB) + 2, 16, mask_zero=True)(tokens)
    x = layers.Bidirectional(layers.GRU(16, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
    avg_pool = layers.GlobalAveragePooling1D()(x)
    max_pool = layers.GlobalMaxPooling1D()(x)
    x = layers.concatenate([avg_pool, max_pool])
    out = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(text, out)
    model.compile("adam", "binary_crossentropy")
    return model
