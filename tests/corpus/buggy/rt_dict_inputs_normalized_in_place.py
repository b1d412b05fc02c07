"""Dict-of-Inputs model where numeric columns are normalized by writing back into the
same dict, so the model's inputs become Normalization outputs."""

import keras
from keras import layers

NUMERIC = ["age", "income"]
CATEGORICAL = ["city"]


def build_tabular():
    inputs = {c: keras.Input(shape=(1,), name=c) for c in NUMERIC}
    inputs["city"] = keras.Input(shape=(1,), name="city", dtype="int32")
    for c in NUMERIC:
        inputs[c] = layers.Normalization(mean=0.0, variance=1.0)(inputs[c])
    city = layers.Flatten()(layers.Embedding(50, 4)(inputs["city"]))
    x = layers.Concatenate()([inputs["age"], inputs["income"], city])
    out = layers.Dense(1, activation="sigmoid")(layers.Dense(16, activation="relu")(x))
    return keras.Model(inputs=inputs, outputs=out)  # expect: KG104
