"""Metric-learning model and classifier built on the same trainable feature layers, each
compiled with its own loss and trained alternately."""

import numpy as np
import keras
from keras import layers


def build_models(n_features=32, n_classes=6):
    inp = keras.Input(shape=(n_features,))
    h = layers.Dense(64, activation="relu")(inp)
    features = layers.Dense(16, name="features")(h)
    feature_model = keras.Model(inp, layers.UnitNormalization()(features))
    feature_model.compile(optimizer="adam", loss="cosine_similarity")

    logits = layers.Dense(n_classes)(features)
    classifier = keras.Model(inp, logits)  # expect: KG302
    classifier.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return feature_model, classifier


if __name__ == "__main__":
    build_models()
