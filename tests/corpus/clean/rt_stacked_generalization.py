"""Stacked-generalization ensemble (machinelearningmastery style): members' inputs and
outputs are collected with list comprehensions, members frozen layer by layer, then a
meta-learner on the concatenated member outputs is compiled."""

import keras
from keras import layers


def fit_member(width):
    inp = keras.Input(shape=(2,))
    h = layers.Dense(width, activation="relu")(inp)
    out = layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inp, out)
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    return model


def define_stacked_model(members):
    for model in members:
        for layer in model.layers:
            layer.trainable = False
    ensemble_visible = [model.input for model in members]
    ensemble_outputs = [model.output for model in members]
    merge = layers.concatenate(ensemble_outputs)
    hidden = layers.Dense(10, activation="relu")(merge)
    output = layers.Dense(3, activation="softmax")(hidden)
    model = keras.Model(inputs=ensemble_visible, outputs=output)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def build_stacked():
    members = [fit_member(w) for w in (8, 16, 25)]
    return define_stacked_model(members)
