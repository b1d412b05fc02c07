"""A keras.Model subclass (only adds a helper method) instantiated functionally with
inputs=/outputs=: the `extra` Input is listed but never used."""

import keras
from keras import layers


class Regressor(keras.Model):
    def describe(self):
        return f"{self.name}: {self.count_params()} parameters"


def build_subclassed_functional():
    features = keras.Input(shape=(10,), name="features")
    extra = keras.Input(shape=(2,), name="extra")
    h = layers.Dense(16, activation="relu")(features)
    return Regressor(inputs=[features, extra], outputs=layers.Dense(1)(h))  # expect: KG102
