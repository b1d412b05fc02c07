"""Denoising autoencoder builder returning (autoencoder, encoder); a classifier is then put
on the frozen encoder and is the only other compiled model."""

import keras
from keras import layers

DIM = 64
CODE = 8


def make_autoencoder():
    inp = keras.Input(shape=(DIM,), name="noisy")
    h = layers.Dense(32, activation="relu")(inp)
    code = layers.Dense(CODE, activation="relu", name="code")(h)
    h = layers.Dense(32, activation="relu")(code)
    recon = layers.Dense(DIM, activation="sigmoid")(h)
    autoencoder = keras.Model(inp, recon, name="autoencoder")
    encoder = keras.Model(inp, code, name="encoder")
    return autoencoder, encoder


def build_pipeline():
    autoencoder, encoder = make_autoencoder()
    autoencoder.compile("adam", "mse")
    encoder.trainable = False
    features = keras.Input(shape=(DIM,))
    z = encoder(features, training=False)
    probs = layers.Dense(3, activation="softmax")(z)
    classifier = keras.Model(features, probs)
    classifier.compile("adam", "sparse_categorical_crossentropy")
    return autoencoder, classifier
