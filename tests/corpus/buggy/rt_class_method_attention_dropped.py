"""Text classifier builder class: the attention-pooling method computes a context vector
but the build method concatenates the wrong variable, so the attention path is dead."""

import keras
from keras import layers


class TextModel:
    def __init__(self, vocab=500, length=24, dim=32):
        self.vocab, self.length, self.dim = vocab, length, dim

    def attention_pool(self, seq):
        scores = layers.Dense(1, activation="tanh")(seq)
        weights = layers.Softmax(axis=1)(scores)
        return layers.Dot(axes=1)([weights, seq])

    def build(self):
        tokens = keras.Input(shape=(self.length,), dtype="int32")
        seq = layers.Embedding(self.vocab, self.dim)(tokens)
        seq = layers.Bidirectional(layers.GRU(16, return_sequences=True))(seq)
        context = layers.Flatten()(self.attention_pool(seq))  # expect: KG103
        pooled = layers.GlobalMaxPooling1D()(seq)
        x = layers.Concatenate()([pooled, layers.GlobalAveragePooling1D()(seq)])
        return keras.Model(tokens, layers.Dense(1, activation="sigmoid")(x))


def build_text_model():
    return TextModel().build()
