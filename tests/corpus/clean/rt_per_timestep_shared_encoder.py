"""Multi-frame model with one Input per frame: the same frame encoder is applied to each
frame (parallel inputs, intended sharing), then the codes are stacked for an LSTM."""

import keras
from keras import layers

N_FRAMES, H, W = 4, 16, 16


def build_multiframe():
    frame_inputs = [keras.Input(shape=(H, W, 3), name=f"frame_{t}") for t in range(N_FRAMES)]
    conv = layers.Conv2D(8, 3, activation="relu")
    pool = layers.GlobalAveragePooling2D()
    dense = layers.Dense(16, activation="relu")
    codes = []
    for frame in frame_inputs:
        codes.append(layers.Reshape((1, 16))(dense(pool(conv(frame)))))
    seq = layers.Concatenate(axis=1)(codes)
    h = layers.LSTM(16)(seq)
    out = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(frame_inputs, out)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model
