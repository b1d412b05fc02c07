"""Corrected version of ../buggy/so_timedistributed_on_vector.py."""
import keras
from keras import layers


def build_model():
    features = keras.Input(shape=(40,))
    x = layers.Dense(64, activation="relu")(features)
    x = layers.RepeatVector(10)(x)
    outputs = layers.TimeDistributed(layers.Dense(4, activation="softmax"))(x)
    return keras.Model(features, outputs)
