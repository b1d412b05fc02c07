"""Notebook exported to a script: cells run top to bottom inside one build function; a
re-run cell left a pooling branch that nobody uses."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers as L


def build_notebook_model():
    # In[1]:
    inp = L.Input((64, 64, 3))
    x = L.Conv2D(16, 3, activation="relu")(inp)
    x = L.MaxPooling2D()(x)
    # In[2]:
    x = L.Conv2D(32, 3, activation="relu")(x)
    gmp = L.GlobalMaxPooling2D()(x)  # expect: KG103
    # In[3]:
    x = L.GlobalAveragePooling2D()(x)
    out = L.Dense(2, activation="softmax")(x)
    model = keras.models.Model(inp, out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


if __name__ == "__main__":
    build_notebook_model().summary()
