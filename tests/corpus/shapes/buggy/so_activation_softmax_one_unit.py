"""Click-through predictor: Dense(1) followed by a softmax Activation layer:
the probability is always 1."""
import keras
from keras import layers


def build_model():
    inputs = keras.Input(shape=(64,))
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.Dense(1)(x)
    outputs = layers.Activation("softmax")(x)  # expect: KG605
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
