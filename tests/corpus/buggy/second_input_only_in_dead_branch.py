"""Two inputs: the second one feeds a branch that is computed and then forgotten, so the
Input is unused and the branch is dead."""

import numpy as np
import keras
from keras import layers


def build_two_input_model():
    signal = keras.Input(shape=(128, 1), name="signal")
    meta = keras.Input(shape=(6,), name="meta")
    s = layers.Conv1D(16, 7, activation="relu")(signal)
    s = layers.GlobalAveragePooling1D()(s)
    m = layers.Dense(8, activation="relu")(meta)  # expect: KG103
    out = layers.Dense(1, activation="sigmoid")(s)
    model = keras.Model([signal, meta], out)  # expect: KG102
    model.compile("adam", "binary_crossentropy")
    return model


if __name__ == "__main__":
    build_two_input_model().summary()
