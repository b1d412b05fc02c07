"""Per-step classifier on a flat feature vector: TimeDistributed needs a time
axis, (batch, timesteps, ...)."""
import keras
from keras import layers


def build_model():
    features = keras.Input(shape=(40,))
    x = layers.Dense(64, activation="relu")(features)
    outputs = layers.TimeDistributed(layers.Dense(4, activation="softmax"))(x)  # expect: KG601
    return keras.Model(features, outputs)
