"""Autoencoder pre-training, then a classifier on top of the frozen encoder: two compiled
models share the encoder, but it is frozen before the classifier is compiled."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

N_FEATURES = 30


def build_models():
    x_in = keras.Input(shape=(N_FEATURES,))
    code = layers.Dense(16, activation="relu")(x_in)
    code = layers.Dense(8, activation="relu", name="code")(code)
    encoder = keras.Model(x_in, code, name="encoder")

    recon = layers.Dense(16, activation="relu")(code)
    recon = layers.Dense(N_FEATURES)(recon)
    autoencoder = keras.Model(x_in, recon, name="autoencoder")
    autoencoder.compile(optimizer="adam", loss="mse")

    encoder.trainable = False
    clf_in = keras.Input(shape=(N_FEATURES,))
    features = encoder(clf_in, training=False)
    label = layers.Dense(1, activation="sigmoid")(features)
    classifier = keras.Model(clf_in, label, name="classifier")
    classifier.compile(optimizer="adam", loss="binary_crossentropy")
    return autoencoder, classifier


def main():
    autoencoder, classifier = build_models()
    x = np.random.rand(64, N_FEATURES).astype("float32")
    autoencoder.fit(x, x, epochs=1)
    classifier.fit(x, np.random.randint(0, 2, (64, 1)), epochs=1)


if __name__ == "__main__":
    main()
