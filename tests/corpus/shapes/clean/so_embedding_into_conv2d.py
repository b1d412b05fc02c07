"""Corrected version of ../buggy/so_embedding_into_conv2d.py."""
import keras
from keras import layers


def build_model():
    tokens = keras.Input(shape=(100,))
    x = layers.Embedding(20000, 64)(tokens)
    x = layers.Reshape((100, 64, 1))(x)
    x = layers.Conv2D(128, (5, 64), activation="relu")(x)
    x = layers.GlobalMaxPooling2D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(tokens, outputs)
