"""Structured-data classifier whose inputs are built by a dict comprehension over column
specs and fed as a dict; every column is encoded and concatenated."""

import numpy as np
import keras
from keras import layers

NUMERIC = ["age", "trestbps", "chol", "thalach"]
CATEGORICAL = {"sex": 2, "cp": 4, "fbs": 2}


def encode(inputs):
    encoded = []
    for name in NUMERIC:
        encoded.append(layers.Normalization(mean=0.0, variance=1.0, name=f"norm_{name}")(inputs[name]))
    for name, depth in CATEGORICAL.items():
        encoded.append(layers.CategoryEncoding(num_tokens=depth, output_mode="one_hot")(inputs[name]))
    return layers.concatenate(encoded)


def build_heart_model():
    inputs = {name: keras.Input(shape=(1,), name=name) for name in NUMERIC}
    inputs.update({name: keras.Input(shape=(1,), name=name, dtype="int32") for name in CATEGORICAL})
    x = encode(inputs)
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    output = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, output)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    m = build_heart_model()
    batch = {n: np.random.rand(4, 1) for n in NUMERIC}
    batch.update({n: np.random.randint(0, d, (4, 1)) for n, d in CATEGORICAL.items()})
    print(m.predict(batch, verbose=0).shape)
