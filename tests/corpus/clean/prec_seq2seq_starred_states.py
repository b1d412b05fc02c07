"""keras.io-style character-level seq2seq: the encoder's states are taken with starred
unpacking (``enc_out, *state = encoder(x)``) and seed the decoder."""

import keras
from keras import layers

NUM_ENCODER_TOKENS = 32
NUM_DECODER_TOKENS = 40
LATENT_DIM = 64


def build_seq2seq():
    encoder_inputs = keras.Input(shape=(None, NUM_ENCODER_TOKENS), name="encoder_chars")
    encoder = layers.LSTM(LATENT_DIM, return_state=True)
    enc_out, *state = encoder(encoder_inputs)

    decoder_inputs = keras.Input(shape=(None, NUM_DECODER_TOKENS), name="decoder_chars")
    decoder_lstm = layers.LSTM(LATENT_DIM, return_sequences=True, return_state=True)
    decoder_outputs, *_ = decoder_lstm(decoder_inputs, initial_state=state)
    outputs = layers.Dense(NUM_DECODER_TOKENS, activation="softmax")(decoder_outputs)

    model = keras.Model([encoder_inputs, decoder_inputs], outputs)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    return model


def build_gru_seq2seq():
    source = keras.Input(shape=(None, NUM_ENCODER_TOKENS))
    _, *states = layers.GRU(LATENT_DIM, return_state=True)(source)
    target = keras.Input(shape=(None, NUM_DECODER_TOKENS))
    x = layers.GRU(LATENT_DIM, return_sequences=True)(target, initial_state=states)
    return keras.Model([source, target], layers.Dense(NUM_DECODER_TOKENS)(x))
