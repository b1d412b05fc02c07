"""Per-sensor Inputs kept in a list, then the list is rebuilt by a comprehension that
reshapes each one: the model is given the reshaped tensors as inputs."""

import keras
from keras import layers

SENSORS = 3


def build_sensor_fusion():
    inputs = [keras.Input(shape=(20,), name=f"sensor_{i}") for i in range(SENSORS)]
    inputs = [layers.Reshape((20, 1))(t) for t in inputs]
    x = layers.Concatenate(axis=-1)(inputs)
    x = layers.Conv1D(8, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(1)(x))  # expect: KG104
