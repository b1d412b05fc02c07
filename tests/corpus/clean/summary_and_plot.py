"""Wide & deep model with summary() and a guarded plot_model() call."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import Input, Model
from tensorflow.keras.layers import Concatenate, Dense, Dropout


def build_wide_and_deep(n_wide=40, n_deep=12):
    wide_in = Input(shape=(n_wide,), name="wide")
    deep_in = Input(shape=(n_deep,), name="deep")
    deep = Dense(64, activation="relu")(deep_in)
    deep = Dropout(0.2)(deep)
    deep = Dense(32, activation="relu")(deep)
    both = Concatenate()([wide_in, deep])
    out = Dense(1, activation="sigmoid")(both)
    model = Model(inputs=[wide_in, deep_in], outputs=out, name="wide_and_deep")
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def describe(model, to_file=None):
    model.summary(expand_nested=True)
    if to_file:
        try:
            tf.keras.utils.plot_model(model, to_file=to_file, show_shapes=True)
        except ImportError:
            print("pydot/graphviz not installed; skipping plot")


if __name__ == "__main__":
    m = build_wide_and_deep()
    describe(m, "wide_and_deep.png")
    m.fit([np.random.rand(8, 40), np.random.rand(8, 12)], np.random.randint(0, 2, (8, 1)), epochs=1)
