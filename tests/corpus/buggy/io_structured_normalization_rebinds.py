"""Structured-data script (module level): the numeric Input is rebound by an adapted
Normalization layer before being listed in the model inputs."""

import numpy as np
import keras
from keras import layers

NUM_FEATURES = 5
train_numeric = np.random.rand(64, NUM_FEATURES).astype("float32")

normalizer = layers.Normalization()
normalizer.adapt(train_numeric)

numeric = keras.Input(shape=(NUM_FEATURES,), name="numeric")
category = keras.Input(shape=(1,), name="category", dtype="int64")
numeric = normalizer(numeric)
cat_emb = layers.Flatten()(layers.Embedding(10, 4)(category))
x = layers.concatenate([numeric, cat_emb])
x = layers.Dense(32, activation="relu")(x)
output = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs=[numeric, category], outputs=output)  # expect: KG104


def build_compiled():
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
