"""Encoder-decoder with Luong attention; LSTM states passed from encoder to decoder."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, Model

SRC_VOCAB, TGT_VOCAB = 300, 400
UNITS = 32


def build_seq2seq():
    enc_in = layers.Input(shape=(None,), name="encoder_tokens")
    dec_in = layers.Input(shape=(None,), name="decoder_tokens")

    enc_emb = layers.Embedding(SRC_VOCAB, UNITS, mask_zero=True)(enc_in)
    enc_seq, state_h, state_c = layers.LSTM(UNITS, return_sequences=True, return_state=True)(enc_emb)

    dec_emb = layers.Embedding(TGT_VOCAB, UNITS, mask_zero=True)(dec_in)
    dec_seq = layers.LSTM(UNITS, return_sequences=True)(dec_emb, initial_state=[state_h, state_c])

    context = layers.Attention()([dec_seq, enc_seq])
    combined = layers.Concatenate()([dec_seq, context])
    logits = layers.TimeDistributed(layers.Dense(TGT_VOCAB))(combined)
    model = Model([enc_in, dec_in], logits)
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


if __name__ == "__main__":
    model = build_seq2seq()
    src = np.random.randint(1, SRC_VOCAB, (4, 12))
    tgt = np.random.randint(1, TGT_VOCAB, (4, 10))
    model.fit([src, tgt], tgt, epochs=1)
