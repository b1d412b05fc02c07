"""Inputs built from a feature list; the encoding loop iterates over a second, stale list
that lacks one of the features, so that Input is listed but never used."""

import numpy as np
import keras
from keras import layers

ALL_FEATURES = ["temp", "humidity", "wind", "pressure"]
USED_FEATURES = ["temp", "humidity", "wind"]  # stale copy from an older experiment


def build_weather_model():
    inputs = {name: keras.Input(shape=(1,), name=name) for name in ALL_FEATURES}
    encoded = [layers.Dense(4, activation="relu")(inputs[name]) for name in USED_FEATURES]
    x = layers.Concatenate()(encoded)
    rain = layers.Dense(1, activation="sigmoid", name="rain")(x)
    model = keras.Model(inputs=inputs, outputs=rain)  # expect: KG102
    model.compile("adam", "binary_crossentropy")
    return model


if __name__ == "__main__":
    m = build_weather_model()
    m.fit({k: np.random.rand(8, 1) for k in ALL_FEATURES}, np.random.randint(0, 2, (8, 1)))
