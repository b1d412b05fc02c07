"""Kaggle-style tabular notebook: preprocessing layers are adapted and inspected on their
own (vocabulary report, feature statistics, planned output shapes, a config dump) before
the model is built with its own adapted normalizer."""

import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
numeric = rng.random((64, 4)).astype("float32")
cities = np.array(["paris", "lyon", "paris", "nice", "lyon", "paris"])


def vocabulary_report(values):
    lookup = layers.StringLookup()
    lookup.adapt(values)
    vocab = lookup.get_vocabulary()
    return {"size": lookup.vocabulary_size(), "top": vocab[1:4]}


def feature_statistics(data):
    norm = layers.Normalization(axis=-1)
    norm.adapt(data)
    return np.asarray(norm.mean), np.asarray(norm.variance)


def planned_shapes(image_size=64):
    stem = layers.Conv2D(16, 3, strides=2, padding="same")
    pool = layers.MaxPooling2D()
    shape = stem.compute_output_shape((None, image_size, image_size, 3))
    return shape, pool.compute_output_shape(shape)


def dense_summary(units=8):
    probe = layers.Dense(units, activation="relu")
    probe.build((None, 4))
    return probe.get_config()["units"], [tuple(w.shape) for w in probe.weights]


def build_regressor():
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(numeric)
    inputs = keras.Input(shape=(4,))
    x = normalizer(inputs)
    x = layers.Dense(16, activation="relu")(x)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model


if __name__ == "__main__":
    print(vocabulary_report(cities))
    print(feature_statistics(numeric))
    print(planned_shapes(), dense_summary())
    build_regressor().summary()
