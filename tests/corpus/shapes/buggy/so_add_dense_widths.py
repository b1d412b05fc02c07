"""Wide-and-deep regression: the wide and deep parts end with different widths
and are summed with Add."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(30,))
    deep = layers.Dense(64, activation="relu")(inputs)
    deep = layers.Dense(32, activation="relu")(deep)
    wide = layers.Dense(16)(inputs)
    merged = layers.add([deep, wide])  # expect: KG602
    outputs = layers.Dense(1)(merged)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model
