"""Question-pair similarity with shared layers applied to both questions (tf.keras style)."""

import numpy as np
import tensorflow as tf

VOCAB = 2000
MAXLEN = 30


def build_question_pair_model():
    q1 = tf.keras.layers.Input(shape=(MAXLEN,), dtype="int32", name="q1")
    q2 = tf.keras.layers.Input(shape=(MAXLEN,), dtype="int32", name="q2")

    embed = tf.keras.layers.Embedding(VOCAB, 50)
    lstm = tf.keras.layers.LSTM(64)
    project = tf.keras.layers.Dense(32, activation="tanh")

    v1 = project(lstm(embed(q1)))
    v2 = project(lstm(embed(q2)))

    diff = tf.keras.layers.Subtract()([v1, v2])
    prod = tf.keras.layers.Multiply()([v1, v2])
    merged = tf.keras.layers.Concatenate()([v1, v2, diff, prod])
    out = tf.keras.layers.Dense(1, activation="sigmoid")(merged)
    model = tf.keras.Model(inputs=[q1, q2], outputs=out)
    model.compile(loss="binary_crossentropy", optimizer=tf.keras.optimizers.Adam(1e-3))
    return model


if __name__ == "__main__":
    m = build_question_pair_model()
    x1 = np.random.randint(0, VOCAB, (8, MAXLEN))
    x2 = np.random.randint(0, VOCAB, (8, MAXLEN))
    m.fit([x1, x2], np.random.randint(0, 2, (8, 1)), epochs=1)
