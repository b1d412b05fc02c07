"""Time-series classifier (FCN/ResNet-1D style) plus a per-step TimeDistributed head."""

import keras
from keras import layers

STEPS, CHANNELS, N_CLASSES = 64, 3, 5


def residual_1d(x, filters):
    y = x
    for kernel in (8, 5, 3):
        y = layers.Conv1D(filters, kernel, padding="same")(y)
        y = layers.BatchNormalization()(y)
        y = layers.Activation("relu")(y)
    if x.shape[-1] != filters:
        x = layers.Conv1D(filters, 1, padding="same")(x)
    return layers.add([x, y])


def build_ts_classifier():
    series = keras.Input(shape=(STEPS, CHANNELS))
    x = residual_1d(series, 32)
    x = residual_1d(x, 32)
    per_step = layers.TimeDistributed(layers.Dense(N_CLASSES, activation="softmax"), name="per_step")(x)
    pooled = layers.GlobalAveragePooling1D()(x)
    label = layers.Dense(N_CLASSES, activation="softmax", name="label")(pooled)
    model = keras.Model(series, [label, per_step])
    model.compile("adam", ["sparse_categorical_crossentropy", "sparse_categorical_crossentropy"])
    return model
