"""Functional-guide ticket model where tags_input is concatenated but left out of the
model inputs list."""

import keras
from keras import layers

num_tags = 12
num_words = 1000
num_departments = 4


def build_ticket_model():
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")

    title_features = layers.Embedding(num_words, 64)(title_input)
    body_features = layers.Embedding(num_words, 64)(body_input)
    title_features = layers.LSTM(32)(title_features)
    body_features = layers.LSTM(16)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])

    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(  # expect: KG101
        inputs=[title_input, body_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )
    return model
