"""Functional-guide ticket model at module level: tags_input is listed as an input but
the concatenate only merges title and body features."""

import keras
from keras import layers

num_tags = 12
num_words = 1000
num_departments = 4

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")

title_features = layers.Embedding(num_words, 64)(title_input)
body_features = layers.Embedding(num_words, 64)(body_input)
title_features = layers.LSTM(32)(title_features)
body_features = layers.LSTM(16)(body_features)
x = layers.concatenate([title_features, body_features])

priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments, name="department")(x)
model = keras.Model(  # expect: KG102
    inputs=[title_input, body_input, tags_input],
    outputs=[priority_pred, department_pred],
)


def build_compiled():
    model.compile(optimizer="rmsprop", loss=["binary_crossentropy", "categorical_crossentropy"])
    return model
