"""Training and inference graphs built in one function, each with its own Input named
"tokens" and its own layer named "logits" (two separate models, no clash)."""

import keras
from keras import layers


def build_train_and_infer(vocab=50, length=8):
    tokens = keras.Input(shape=(length,), dtype="int32", name="tokens")
    emb = layers.Embedding(vocab, 16)
    x = layers.GlobalAveragePooling1D()(emb(tokens))
    train_model = keras.Model(tokens, layers.Dense(vocab, name="logits")(x))
    train_model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    tokens = keras.Input(shape=(length,), dtype="int32", name="tokens")
    x = layers.GlobalMaxPooling1D()(emb(tokens))
    probs = layers.Softmax()(layers.Dense(vocab, name="logits")(x))
    infer_model = keras.Model(tokens, probs)
    return train_model, infer_model
