"""Export-test-style model factory: the layers default to ``layer_list or [...]`` and the
same list is wired as a Sequential, a functional chain or a subclassed model."""

import numpy as np
import keras
from keras import layers


class Stack(keras.Model):
    def __init__(self, layer_list):
        super().__init__()
        self.layer_list = layer_list

    def call(self, inputs):
        x = inputs
        for layer in self.layer_list:
            x = layer(x)
        return x


def get_model(kind="sequential", input_shape=(10,), layer_list=None):
    layer_list = layer_list or [
        layers.Dense(10, activation="relu"),
        layers.BatchNormalization(),
        layers.Dense(1, activation="sigmoid"),
    ]
    if kind == "sequential":
        model = keras.Sequential(layer_list)
        model.build((None,) + input_shape)
        return model
    if kind == "functional":
        inputs = output = keras.Input(shape=input_shape)
        for layer in layer_list:
            output = layer(output)
        return keras.Model(inputs, output)
    model = Stack(layer_list)
    model(np.zeros((1,) + input_shape, dtype="float32"))  # builds the subclassed model
    return model


def build_all():
    return [get_model(kind) for kind in ("sequential", "functional", "subclass")]


def build_custom_layers():
    return get_model("functional", layer_list=[layers.Dense(4), layers.Dense(2)])
