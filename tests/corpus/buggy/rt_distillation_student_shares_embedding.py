"""Distillation setup: the student reuses the teacher's embedding layer to save parameters
and both models are compiled with it trainable: fitting the student moves the teacher."""

import keras
from keras import layers

VOCAB, LEN, CLASSES = 300, 24, 4


def build_teacher_student():
    tokens = keras.Input(shape=(LEN,), dtype="int32")
    embedding = layers.Embedding(VOCAB, 32, name="shared_embedding")
    x = embedding(tokens)
    x = layers.LSTM(32)(x)
    teacher = keras.Model(tokens, layers.Dense(CLASSES)(x), name="teacher")
    teacher.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    s_tokens = keras.Input(shape=(LEN,), dtype="int32")
    s = embedding(s_tokens)
    s = layers.GlobalAveragePooling1D()(s)
    student = keras.Model(s_tokens, layers.Dense(CLASSES)(s), name="student")  # expect: KG302
    student.compile("adam", keras.losses.KLDivergence())
    return teacher, student
