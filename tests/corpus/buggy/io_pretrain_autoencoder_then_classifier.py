"""Semi-supervised blog script: an autoencoder and a classifier on the same encoder are
compiled at module level and trained alternately in the main loop; the encoder is never
frozen, so the classifier's training keeps changing the autoencoder."""

import keras
from keras import layers

INPUT_DIM = 64
LATENT_DIM = 8
NUM_CLASSES = 3

inputs = keras.Input(shape=(INPUT_DIM,))
h = layers.Dense(32, activation="relu")(inputs)
code = layers.Dense(LATENT_DIM, activation="relu", name="code")(h)
encoder = keras.Model(inputs, code, name="encoder")

d = layers.Dense(32, activation="relu")(code)
recon = layers.Dense(INPUT_DIM, activation="sigmoid")(d)
autoencoder = keras.Model(inputs, recon, name="autoencoder")
autoencoder.compile(optimizer="adam", loss="mse")

logits = layers.Dense(NUM_CLASSES, activation="softmax")(encoder.output)
classifier = keras.Model(encoder.input, logits, name="classifier")  # expect: KG302
classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


def build_models():
    return autoencoder, classifier
