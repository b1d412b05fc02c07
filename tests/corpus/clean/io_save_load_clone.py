"""Save / load / clone, 'Save, serialize, and export models' guide style: get_model()
builds and compiles, the model is saved to .keras, loaded back, cloned, and the clone
gets the weights and its own compile."""

import os
import tempfile

import numpy as np
import keras
from keras import layers

SAVE_PATH = os.path.join(tempfile.mkdtemp(prefix="ckpt_"), "my_model.keras")


def get_model():
    # Create a simple model.
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error")
    return model


def build_roundtrip():
    model = get_model()
    test_input = np.random.random((8, 32))
    test_target = np.random.random((8, 1))
    model.fit(test_input, test_target, verbose=0)

    # Calling `save('my_model.keras')` creates a zip archive `my_model.keras`.
    model.save(SAVE_PATH)

    # It can be used to reconstruct the model identically.
    reconstructed_model = keras.models.load_model(SAVE_PATH)

    new_model = keras.models.clone_model(model)
    new_model.set_weights(model.get_weights())
    new_model.compile(optimizer="adam", loss="mse")
    return model, reconstructed_model, new_model


def build_transfer_from_saved():
    # Reuse the saved-format-free way: weights transfer between twin architectures.
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)
    functional_model = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")

    inputs2 = keras.Input(shape=(784,), name="digits")
    x2 = layers.Dense(64, activation="relu", name="dense_1")(inputs2)
    x2 = layers.Dense(64, activation="relu", name="dense_2")(x2)
    outputs2 = layers.Dense(10, name="predictions")(x2)
    clone = keras.Model(inputs=inputs2, outputs=outputs2, name="3_layer_mlp")
    clone.set_weights(functional_model.get_weights())
    return functional_model, clone
