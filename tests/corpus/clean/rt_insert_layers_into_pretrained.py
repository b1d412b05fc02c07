"""Insert a Dropout after every Dense of a trained model by re-applying its layers to a new
Input (a common Stack Overflow recipe): each layer is called once on the new path."""

import keras
from keras import layers


def make_trained():
    inp = keras.Input(shape=(20,))
    x = layers.Dense(32, activation="relu")(inp)
    x = layers.Dense(16, activation="relu")(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inp, out)
    model.compile("adam", "binary_crossentropy")
    return model


def build_with_dropout():
    trained = make_trained()
    new_input = keras.Input(shape=(20,))
    x = new_input
    for layer in trained.layers[1:-1]:
        x = layer(x)
        x = layers.Dropout(0.2)(x)
    out = trained.layers[-1](x)
    return keras.Model(new_input, out)
