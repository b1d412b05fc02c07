"""Helpers that return tensors (and tuples of tensors), used to build a two-head model."""

import numpy as np
import keras
from keras import layers


def stem(inputs):
    x = layers.Conv1D(32, 5, padding="same", activation="relu")(inputs)
    x = layers.Conv1D(32, 5, padding="same", activation="relu")(x)
    return x


def split_heads(x, n_classes):
    pooled_avg = layers.GlobalAveragePooling1D()(x)
    pooled_max = layers.GlobalMaxPooling1D()(x)
    features = layers.Concatenate()([pooled_avg, pooled_max])
    cls = layers.Dense(n_classes, activation="softmax", name="activity")(features)
    reg = layers.Dense(1, name="intensity")(features)
    return cls, reg


def build_sensor_model(timesteps=128, channels=6, n_classes=5):
    inputs = keras.Input(shape=(timesteps, channels))
    x = stem(inputs)
    x = layers.MaxPooling1D(2)(x)
    activity, intensity = split_heads(x, n_classes)
    model = keras.Model(inputs, [activity, intensity])
    model.compile(
        optimizer="adam",
        loss=["sparse_categorical_crossentropy", "mse"],
        loss_weights=[1.0, 0.5],
    )
    return model


if __name__ == "__main__":
    model = build_sensor_model()
    model.fit(np.random.rand(8, 128, 6), [np.random.randint(0, 5, 8), np.random.rand(8, 1)], epochs=1)
