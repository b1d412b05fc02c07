"""A longer training script with several independent mistakes (a dropped branch, a reused
layer, an uncalled layer and an unused Input)."""

import numpy as np
import keras
from keras import layers

N_NUM, N_STEPS = 8, 24


def numeric_branch(x):
    h = layers.Dense(32, activation="relu")(x)
    layers.BatchNormalization()  # expect: KG203
    return h


def build_sales_model():
    numeric = keras.Input(shape=(N_NUM,), name="numeric")
    history = keras.Input(shape=(N_STEPS, 1), name="history")
    store = keras.Input(shape=(1,), name="store_id")

    h_num = numeric_branch(numeric)
    h_seq = layers.GRU(16)(history)
    h_seq_aux = layers.Dense(8)(h_seq)  # expect: KG103

    refine = layers.Dense(48, activation="relu")
    x = layers.Concatenate()([h_num, h_seq])
    x = refine(x)
    x = refine(x)  # expect: KG301
    sales = layers.Dense(1, name="sales")(x)
    model = keras.Model([numeric, history, store], sales)  # expect: KG102
    model.compile("adam", "mse")
    return model


if __name__ == "__main__":
    m = build_sales_model()
    m.fit([np.random.rand(8, N_NUM), np.random.rand(8, N_STEPS, 1), np.random.randint(0, 5, (8, 1))], np.random.rand(8, 1))
