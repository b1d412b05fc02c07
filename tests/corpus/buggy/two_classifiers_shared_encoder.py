"""Two image classifiers (species and age) on one shared, trainable encoder, compiled and
trained separately: each fit() drags the other model's features."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers


def conv_encoder():
    inp = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, activation="relu")(inp)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inp, x, name="shared_encoder")


def build_models():
    encoder = conv_encoder()
    species_out = layers.Dense(12, activation="softmax")(encoder.output)
    species_model = keras.Model(encoder.input, species_out)
    species_model.compile("adam", "sparse_categorical_crossentropy")

    age_out = layers.Dense(1)(encoder.output)
    age_model = keras.Model(encoder.input, age_out)  # expect: KG302
    age_model.compile("adam", "mse")
    return species_model, age_model


if __name__ == "__main__":
    s, a = build_models()
    x = np.random.rand(8, 32, 32, 3)
    s.fit(x, np.random.randint(0, 12, 8))
    a.fit(x, np.random.rand(8, 1))
