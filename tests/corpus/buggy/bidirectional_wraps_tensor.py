"""Bidirectional and TimeDistributed given layer outputs instead of layers."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers


def build_bilstm_tagger(vocab=500, maxlen=20, tags=5):
    tokens = layers.Input(shape=(maxlen,))
    x = layers.Embedding(vocab, 32)(tokens)
    x = layers.Bidirectional(layers.LSTM(16, return_sequences=True)(x))(x)  # expect: KG202
    out = layers.TimeDistributed(layers.Dense(tags, activation="softmax"))(x)
    return tf.keras.Model(tokens, out)


def build_frame_classifier(frames=6):
    clip = layers.Input(shape=(frames, 16, 16, 3))
    cnn_out = layers.Conv2D(8, 3, activation="relu")(layers.Input(shape=(16, 16, 3)))
    per_frame = layers.TimeDistributed(cnn_out)(clip)  # expect: KG202
    x = layers.GlobalAveragePooling3D()(per_frame)
    return tf.keras.Model(clip, layers.Dense(2)(x))


if __name__ == "__main__":
    build_bilstm_tagger().summary()
