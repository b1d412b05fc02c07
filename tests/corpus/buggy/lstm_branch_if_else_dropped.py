"""Time-series forecaster with an optional trend branch chosen by a flag; when the flag is
on, the trend branch is computed but never added to the forecast."""

import numpy as np
import keras
from keras import layers

WINDOW, FEATURES, HORIZON = 48, 3, 12


def build_forecaster(use_trend=True):
    series = keras.Input(shape=(WINDOW, FEATURES))
    h = layers.LSTM(32)(series)
    if use_trend:
        trend = layers.Flatten()(series)
        trend = layers.Dense(HORIZON)(trend)  # expect: KG103
    forecast = layers.Dense(HORIZON)(h)
    model = keras.Model(series, forecast)
    model.compile("adam", "mse")
    return model


if __name__ == "__main__":
    m = build_forecaster()
    m.fit(np.random.rand(8, WINDOW, FEATURES), np.random.rand(8, HORIZON))
