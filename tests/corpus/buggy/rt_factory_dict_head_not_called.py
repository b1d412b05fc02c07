"""Heads registered in a dict of factories; the chosen factory returns a layer and the
builder forgets to call it on the features before handing it to Model()."""

import keras
from keras import layers


def softmax_head(n):
    return layers.Dense(n, activation="softmax", name="probs")


def sigmoid_head(n):
    return layers.Dense(n, activation="sigmoid", name="probs")


HEADS = {"multiclass": softmax_head, "multilabel": sigmoid_head}


def build_tagger(task="multilabel", n_tags=6):
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dropout(0.2)(x)
    outputs = HEADS[task](n_tags)
    return keras.Model(inputs, outputs)  # expect: KG201
