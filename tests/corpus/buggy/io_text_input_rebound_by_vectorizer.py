"""End-to-end text classifier where the string Input variable is rebound to the
TextVectorization output, so the model's input is an intermediate tensor."""

import numpy as np
import keras
from keras import layers

max_features = 1000
embedding_dim = 16
sequence_length = 20

vectorize_layer = layers.TextVectorization(
    max_tokens=max_features, output_mode="int", output_sequence_length=sequence_length
)
vectorize_layer.adapt(np.array(["a good film", "a bad film", "boring"]))


def build_end_to_end_model():
    text_input = keras.Input(shape=(1,), dtype="string")
    text_input = vectorize_layer(text_input)
    x = layers.Embedding(max_features, embedding_dim)(text_input)
    x = layers.Conv1D(16, 3, activation="relu")(x)
    x = layers.GlobalMaxPooling1D()(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    model = keras.Model(text_input, predictions)  # expect: KG104
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model
