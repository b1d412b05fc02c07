"""Builder returning (model, encoder): the model is declared with a padding-mask input that
the author meant to pass to the pooling layer but never did."""

import keras
from keras import layers

LEN, VOCAB = 30, 400


def make_model():
    tokens = keras.Input(shape=(LEN,), dtype="int32", name="tokens")
    mask = keras.Input(shape=(LEN,), name="mask")
    x = layers.Embedding(VOCAB, 32)(tokens)
    x = layers.Conv1D(32, 3, padding="same", activation="relu")(x)
    code = layers.GlobalAveragePooling1D()(x)
    encoder = keras.Model(tokens, code, name="encoder")
    out = layers.Dense(1, activation="sigmoid")(code)
    model = keras.Model([tokens, mask], out)  # expect: KG102
    return model, encoder


def build_with_encoder():
    model, encoder = make_model()
    model.compile("adam", "binary_crossentropy")
    return model, encoder
