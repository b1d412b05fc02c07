"""Feature-column style model: a dict of Inputs built from a spec, merged and fed forward."""

import numpy as np
import keras
from keras import layers

FEATURES = {
    "age": "numeric",
    "income": "numeric",
    "hours_per_week": "numeric",
    "education": 16,
    "occupation": 15,
}


def make_inputs(spec):
    inputs = {}
    for name, kind in spec.items():
        if kind == "numeric":
            inputs[name] = keras.Input(shape=(1,), name=name)
        else:
            inputs[name] = keras.Input(shape=(1,), name=name, dtype="int32")
    return inputs


def encode(inputs, spec):
    encoded = []
    for name, kind in spec.items():
        if kind == "numeric":
            encoded.append(layers.Normalization(mean=0.0, variance=1.0)(inputs[name]))
        else:
            e = layers.Embedding(kind, 4)(inputs[name])
            encoded.append(layers.Reshape((4,))(e))
    return encoded


def build_census_model():
    inputs = make_inputs(FEATURES)
    x = layers.concatenate(encode(inputs, FEATURES))
    x = layers.Dense(32, activation="relu")(x)
    output = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=output)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


if __name__ == "__main__":
    model = build_census_model()
    batch = {k: (np.random.rand(8, 1) if v == "numeric" else np.random.randint(0, v, (8, 1))) for k, v in FEATURES.items()}
    model.fit(batch, np.random.randint(0, 2, (8, 1)), epochs=1)
