"""Hyper-parameter grid search, blog style: create_model(units, dropout, lr) builds and
compiles a fresh model per configuration inside nested for loops; keras.backend
clear_session between runs; results kept in a dict."""

import itertools

import numpy as np
import keras
from keras import layers

INPUT_DIM = 20
UNITS_GRID = [16, 32]
DROPOUT_GRID = [0.0, 0.3]
LR_GRID = [1e-3]
EPOCHS = 1

x_train = np.random.rand(32, INPUT_DIM).astype("float32")
y_train = np.random.randint(0, 2, size=(32, 1))


def create_model(units=32, dropout=0.2, lr=1e-3):
    inputs = keras.Input(shape=(INPUT_DIM,), name="features")
    x = layers.Dense(units, activation="relu", name="hidden_1")(inputs)
    x = layers.Dropout(dropout)(x)
    x = layers.Dense(units // 2, activation="relu", name="hidden_2")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name=f"mlp_{units}_{dropout}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def build_grid():
    results = {}
    models = []
    for units, dropout in itertools.product(UNITS_GRID, DROPOUT_GRID):
        for lr in LR_GRID:
            model = create_model(units, dropout, lr)
            models.append(model)
            results[(units, dropout, lr)] = model.count_params()
    best = max(results, key=results.get)
    return models, best


if __name__ == "__main__":
    for units in UNITS_GRID:
        keras.backend.clear_session()
        m = create_model(units=units)
        m.fit(x_train, y_train, epochs=EPOCHS, verbose=0)
