"""A Kaggle notebook flattened into a script: cells rebuild `inp`, `x` and `model` several
times (baseline, then a wider model, then a model on a different input size)."""

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Input, Dense, Dropout, BatchNormalization
from tensorflow.keras.models import Model

N_FEATURES = 30
X = np.random.rand(64, N_FEATURES).astype("float32")
y = (np.random.rand(64) > 0.5).astype("float32")

# %% [cell 4] baseline
inp = Input(shape=(N_FEATURES,))
x = Dense(64, activation="relu")(inp)
x = Dropout(0.2)(x)
out = Dense(1, activation="sigmoid")(x)
model = Model(inp, out)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["AUC"])
baseline = model

# %% [cell 7] wider + batchnorm
x = Dense(256, activation="relu")(inp)
x = BatchNormalization()(x)
x = Dense(128, activation="relu")(x)
x = Dropout(0.3)(x)
out = Dense(1, activation="sigmoid")(x)
model = Model(inputs=inp, outputs=out)
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
wide = model

# %% [cell 11] after feature selection: only 10 features
inp = Input(shape=(10,))
x = Dense(32, activation="relu")(inp)
out = Dense(1, activation="sigmoid")(x)
model = Model(inp, out)
model.compile(optimizer="adam", loss="binary_crossentropy")


def build_notebook_models():
    return baseline, wide, model


if __name__ == "__main__":
    wide.fit(X, y, epochs=1, verbose=0)
