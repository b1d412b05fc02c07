"""Kaggle notebook flattened into a script: one trunk, then a "cell" builds a regression
model and another cell a classification model on the same trunk; both are compiled and
trained, so training the second one silently changes the first one's trunk."""

import numpy as np
from tensorflow.keras.layers import Input, Dense, Dropout
from tensorflow.keras.models import Model

X = np.random.rand(32, 10).astype("float32")

inp = Input(shape=(10,))
x = Dense(64, activation="relu")(inp)
x = Dropout(0.1)(x)
x = Dense(32, activation="relu")(x)

# %% regression target
reg_out = Dense(1, name="price")(x)
model = Model(inp, reg_out)
model.compile(optimizer="adam", loss="mse")
reg_model = model

# %% classification target (cheap / expensive)
clf_out = Dense(1, activation="sigmoid", name="expensive")(x)
model = Model(inp, clf_out)  # expect: KG302
model.compile(optimizer="adam", loss="binary_crossentropy")


def build_notebook():
    return reg_model, model


if __name__ == "__main__":
    reg_model.fit(X, np.random.rand(32), epochs=1, verbose=0)
    model.fit(X, np.random.rand(32) > 0.5, epochs=1, verbose=0)
