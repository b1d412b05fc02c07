"""Notebook helper `train(model)` compiles and fits whatever it gets; it is called for a
pretraining model and then for the fine-tuning model that shares the encoder layers."""

import numpy as np
import keras
from keras import layers

X = np.random.rand(16, 12).astype("float32")


def train(model, y, loss):
    model.compile(optimizer="adam", loss=loss)
    model.fit(X, y, epochs=1, verbose=0)
    return model


def build_pretrain_finetune():
    inp = keras.Input(shape=(12,))
    enc = layers.Dense(8, activation="relu")(inp)
    recon = layers.Dense(12)(enc)
    pretrain = keras.Model(inp, recon)
    train(pretrain, X, "mse")
    clf = keras.Model(inp, layers.Dense(1, activation="sigmoid")(enc))  # expect: KG302
    train(clf, (np.random.rand(16) > 0.5).astype("float32"), "binary_crossentropy")
    return pretrain, clf
