"""Multi-input, multi-output ticket triage model (the Keras functional API guide example)."""

import numpy as np
import keras
from keras import layers

NUM_TAGS = 12
NUM_WORDS = 1000
NUM_DEPARTMENTS = 4


def build_triage_model():
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(NUM_TAGS,), name="tags")

    title_features = layers.Embedding(NUM_WORDS, 64)(title_input)
    body_features = layers.Embedding(NUM_WORDS, 64)(body_input)
    title_features = layers.LSTM(128)(title_features)
    body_features = layers.LSTM(32)(body_features)

    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(NUM_DEPARTMENTS, name="department")(x)

    model = keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    return model


def main():
    model = build_triage_model()
    title = np.random.randint(NUM_WORDS, size=(32, 10))
    body = np.random.randint(NUM_WORDS, size=(32, 100))
    tags = np.random.randint(2, size=(32, NUM_TAGS)).astype("float32")
    model.fit(
        {"title": title, "body": body, "tags": tags},
        {"priority": np.random.random((32, 1)), "department": np.random.randint(2, size=(32, NUM_DEPARTMENTS))},
        epochs=1,
        batch_size=8,
    )


if __name__ == "__main__":
    main()
