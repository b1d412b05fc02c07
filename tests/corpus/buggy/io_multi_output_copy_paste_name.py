"""Functional-guide multi-output model: the department head was copy-pasted from the
priority head and kept name="priority"."""

import keras
from keras import layers

num_words = 1000
num_departments = 4


def build_model():
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    title_features = layers.LSTM(16)(layers.Embedding(num_words, 16)(title_input))
    body_features = layers.LSTM(16)(layers.Embedding(num_words, 16)(body_input))
    x = layers.concatenate([title_features, body_features])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="priority")(x)  # expect: KG304
    return keras.Model(inputs=[title_input, body_input], outputs=[priority_pred, department_pred])
