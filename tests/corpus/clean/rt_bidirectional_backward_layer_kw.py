"""Bidirectional with an explicit backward_layer= and a layer= keyword, and a
TimeDistributed wrapping a whole per-frame model."""

import keras
from keras import layers


def make_frame_model():
    frame = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(4, 3, activation="relu")(frame)
    return keras.Model(frame, layers.GlobalMaxPooling2D()(x))


def build_clip_model():
    clip = keras.Input(shape=(5, 8, 8, 1))
    per_frame = layers.TimeDistributed(make_frame_model())(clip)
    forward = layers.LSTM(8, return_sequences=True)
    backward = layers.LSTM(8, return_sequences=True, go_backwards=True)
    x = layers.Bidirectional(layer=forward, backward_layer=backward)(per_frame)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(clip, layers.Dense(2)(x))
