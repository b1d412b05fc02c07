"""keras.io 'Text classification from scratch' (training part): TextVectorization adapted
on raw strings and applied in the tf.data pipeline; the model takes int sequences,
Embedding + Conv1D; no end-to-end model is compiled."""

import numpy as np
import tensorflow as tf
import keras
from keras import layers
from keras.layers import TextVectorization

max_features = 2000
embedding_dim = 32
sequence_length = 40

raw_texts = np.array(["the movie was great", "terrible plot and acting", "I loved it"] * 4)
raw_labels = np.array([1, 0, 1] * 4)
raw_train_ds = tf.data.Dataset.from_tensor_slices((raw_texts, raw_labels)).batch(4)

vectorize_layer = TextVectorization(
    max_tokens=max_features,
    output_mode="int",
    output_sequence_length=sequence_length,
)
text_ds = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=10)


def build_model():
    # A integer input for vocab indices.
    inputs = keras.Input(shape=(None,), dtype="int64")

    # Next, we add a layer to map those vocab indices into a space of dimensionality
    # 'embedding_dim'.
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)

    # Conv1D + global max pooling
    x = layers.Conv1D(32, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.Conv1D(32, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.GlobalMaxPooling1D()(x)

    # We add a vanilla hidden layer:
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dropout(0.5)(x)

    # We project onto a single unit output layer, and squash it with a sigmoid:
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)

    model = keras.Model(inputs, predictions)

    # Compile the model with binary crossentropy loss and an adam optimizer.
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    build_model().fit(train_ds, epochs=1)
