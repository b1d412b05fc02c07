"""Multi-output model where the auxiliary output was built from a tensor of another
(previously built) model."""

import numpy as np
import tensorflow as tf

L = tf.keras.layers


def build_backbone():
    inp = L.Input(shape=(100,))
    x = L.Dense(64, activation="relu")(inp)
    return tf.keras.Model(inp, x)


def build_multi_output():
    old = build_backbone()
    inputs = L.Input(shape=(100,))
    x = L.Dense(64, activation="relu")(inputs)
    main_out = L.Dense(1, name="main")(x)
    aux_out = L.Dense(1, name="aux")(old.output)
    return tf.keras.Model(inputs=inputs, outputs=[main_out, aux_out])  # expect: KG101


if __name__ == "__main__":
    m = build_multi_output()
    m.compile("adam", "mse")
