"""Audio frames: 100 samples per clip reshaped into frames of 3, which does
not divide 100."""
import keras
from keras import layers


def build_model():
    model = keras.Sequential([
        layers.Input(shape=(100,)),
        layers.Reshape((-1, 3)),  # expect: KG603
        layers.Conv1D(8, 3, activation="relu"),
        layers.GlobalAveragePooling1D(),
        layers.Dense(2, activation="softmax"),
    ])
    return model
