"""The head's layer is chosen by task in if/else, both branches naming it "head" (only one
branch runs), and a sub-model has a layer named like one of the outer model's layers."""

import keras
from keras import layers

TASK = "regression"


def make_encoder():
    inp = keras.Input(shape=(8,))
    h = layers.Dense(16, activation="relu", name="proj")(inp)
    return keras.Model(inp, h, name="encoder")


def build_task_model(task=TASK):
    encoder = make_encoder()
    inputs = keras.Input(shape=(8,))
    x = encoder(inputs)
    x = layers.Dense(16, activation="relu", name="proj")(x)
    if task == "classification":
        out = layers.Dense(3, activation="softmax", name="head")(x)
    else:
        out = layers.Dense(1, name="head")(x)
    return keras.Model(inputs, out)


def build_both_tasks():
    return build_task_model("classification"), build_task_model("regression")
