"""Module-level multi-output script: the auxiliary head is computed but the Model only
lists the main output."""

import keras
from keras import layers

title = keras.Input(shape=(20,), name="title")
x = layers.Dense(32, activation="relu")(title)
aux = layers.Dense(1, activation="sigmoid", name="aux_output")(x)  # expect: KG103
main = layers.Dense(16, activation="relu")(x)
main = layers.Dense(1, activation="sigmoid", name="main_output")(main)
model = keras.Model(inputs=title, outputs=main)
model.compile(optimizer="rmsprop", loss="binary_crossentropy")


def build_script_model():
    return model
