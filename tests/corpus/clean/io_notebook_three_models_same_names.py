"""Notebook exported as a script: three successive experiments (MLP, CNN, LSTM) on the same
data, each reusing the names inputs / x / outputs / model / history, each compiled and
trained on its own."""

import numpy as np
import keras
from keras import layers

SEQ_LEN = 16
N_FEATURES = 3
EPOCHS = 1
BATCH_SIZE = 8

X = np.random.rand(32, SEQ_LEN, N_FEATURES).astype("float32")
y = np.random.rand(32, 1).astype("float32")
results = {}

# %% Baseline MLP
inputs = keras.Input(shape=(SEQ_LEN, N_FEATURES))
x = layers.Flatten()(inputs)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
history = model.fit(X, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
results["mlp"] = history.history["loss"][-1]

# %% 1D CNN
inputs = keras.Input(shape=(SEQ_LEN, N_FEATURES))
x = layers.Conv1D(16, 3, activation="relu")(inputs)
x = layers.GlobalMaxPooling1D()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
history = model.fit(X, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
results["cnn"] = history.history["loss"][-1]


# %% LSTM
def build_lstm():
    inputs = keras.Input(shape=(SEQ_LEN, N_FEATURES))
    x = layers.LSTM(16)(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model


model = build_lstm()
history = model.fit(X, y, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=0)
results["lstm"] = history.history["loss"][-1]
print(results)
