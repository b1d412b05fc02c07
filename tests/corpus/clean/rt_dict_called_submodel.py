"""A preprocessing model with dict inputs, called with a dict of new Inputs inside the
training model; the inference model chains preprocessing and the trained model."""

import keras
from keras import layers

FEATURES = {"price": 1, "rooms": 1, "area": 1}


def make_preprocessor():
    raw = {k: keras.Input(shape=(d,), name=k) for k, d in FEATURES.items()}
    normed = [layers.Normalization(mean=0.0, variance=1.0)(raw[k]) for k in sorted(raw)]
    return keras.Model(raw, layers.Concatenate()(normed), name="preprocessor")


def build_regressor():
    pre = make_preprocessor()
    feats = keras.Input(shape=(len(FEATURES),), name="features")
    h = layers.Dense(16, activation="relu")(feats)
    training_model = keras.Model(feats, layers.Dense(1)(h), name="regressor")
    training_model.compile("adam", "mse")

    raw_inputs = {k: keras.Input(shape=(d,), name=k) for k, d in FEATURES.items()}
    pred = training_model(pre(raw_inputs))
    inference_model = keras.Model(inputs=raw_inputs, outputs=pred)
    return training_model, inference_model
