"""End-to-end text model: the raw string Input is lower-cased with tf.strings.lower before
the TextVectorization layer (standardize= is the Keras way)."""

import numpy as np
import tensorflow as tf
import keras
from keras import layers

max_features = 1000
sequence_length = 16

vectorize_layer = layers.TextVectorization(max_tokens=max_features, output_sequence_length=sequence_length)
vectorize_layer.adapt(np.array(["Good Movie", "BAD movie", "fine"]))
print(vectorize_layer(np.array([["good movie"]])))


def build_end_to_end():
    text_input = keras.Input(shape=(1,), dtype="string", name="text")
    lowered = tf.strings.lower(text_input)  # expect: KG204
    indices = vectorize_layer(lowered)
    x = layers.Embedding(max_features, 16)(indices)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(text_input, outputs)
