"""tf.keras (Keras 2 style) wide-and-deep: the wide part's Dense is put in the merge list
instead of its output."""

import tensorflow as tf

KL = tf.keras.layers


def build_wide_deep():
    wide_in = KL.Input(shape=(50,), name="wide")
    deep_in = KL.Input(shape=(10,), name="deep")
    deep = KL.Dense(32, activation="relu")(deep_in)
    deep = KL.Dense(16, activation="relu")(deep)
    wide = KL.Dense(8, activation="linear", name="wide_linear")
    both = KL.concatenate([wide, deep])  # expect: KG201
    out = KL.Dense(1, activation="sigmoid")(both)
    return tf.keras.Model(inputs=[wide_in, deep_in], outputs=out)
