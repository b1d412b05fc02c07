"""Feature engineering with NumPy applied directly to a symbolic Keras tensor."""

import numpy as np
import keras
from keras import layers


def build_log_model(n_features=12):
    counts = keras.Input(shape=(n_features,), name="counts")
    logged = np.log1p(counts)  # expect: KG204
    h = layers.Dense(32, activation="relu")(logged)
    return keras.Model(counts, layers.Dense(1)(h))


if __name__ == "__main__":
    build_log_model().summary()
