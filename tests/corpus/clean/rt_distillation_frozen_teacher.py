"""Knowledge distillation: teacher trained first, then frozen; the student reuses the
teacher's (frozen) embedding layer and is compiled on its own."""

import keras
from keras import layers

VOCAB, LEN, CLASSES = 300, 24, 4


def make_teacher():
    tokens = keras.Input(shape=(LEN,), dtype="int32")
    x = layers.Embedding(VOCAB, 32, name="teacher_embedding")(tokens)
    x = layers.Bidirectional(layers.LSTM(32))(x)
    x = layers.Dense(64, activation="relu")(x)
    logits = layers.Dense(CLASSES)(x)
    return keras.Model(tokens, logits, name="teacher")


def build_teacher_and_student():
    teacher = make_teacher()
    teacher.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    # ... teacher.fit(...) ...
    for layer in teacher.layers:
        layer.trainable = False

    tokens = keras.Input(shape=(LEN,), dtype="int32")
    emb = teacher.get_layer("teacher_embedding")
    x = emb(tokens)
    x = layers.GlobalAveragePooling1D()(x)
    logits = layers.Dense(CLASSES)(x)
    student = keras.Model(tokens, logits, name="student")
    student.compile(optimizer="adam", loss=keras.losses.KLDivergence())
    return teacher, student
