"""Inception-style module with parallel branches; a 1x1 reduction shared by two parallel
branches (weight sharing across parallel paths, not along one path)."""

import numpy as np
from tensorflow import keras
from tensorflow.keras.layers import (
    Activation, BatchNormalization, Concatenate, Conv2D, Dense, GlobalAveragePooling2D, Input,
    MaxPooling2D,
)


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False, name=name)(x)
    x = BatchNormalization(scale=False)(x)
    return Activation("relu")(x)


def inception_module(x, f1, f3, f5, fpool):
    branch1 = conv2d_bn(x, f1, 1, 1)
    reduce = Conv2D(f3, 1, padding="same", activation="relu")
    branch3 = conv2d_bn(reduce(x), f3, 3, 3)
    branch5 = conv2d_bn(reduce(x), f5, 5, 5)
    pool = MaxPooling2D(3, strides=1, padding="same")(x)
    pool = conv2d_bn(pool, fpool, 1, 1)
    return Concatenate(axis=-1)([branch1, branch3, branch5, pool])


def build_mini_inception():
    img = Input(shape=(32, 32, 3))
    x = conv2d_bn(img, 16, 3, 3, strides=(2, 2), name="stem_conv")
    x = inception_module(x, 8, 12, 4, 4)
    x = inception_module(x, 16, 24, 8, 8)
    x = GlobalAveragePooling2D()(x)
    out = Dense(10, activation="softmax")(x)
    return keras.Model(img, out, name="mini_inception")


if __name__ == "__main__":
    model = build_mini_inception()
    model.summary()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(np.random.rand(8, 32, 32, 3), np.random.randint(0, 10, 8), epochs=1)
