"""Layer factories written as lambdas and functools.partial (common in TF model zoos)."""

import functools

import keras
from keras import layers

Conv = functools.partial(layers.Conv2D, kernel_size=3, padding="same", use_bias=False)
bn_relu = lambda x: layers.ReLU()(layers.BatchNormalization()(x))  # noqa: E731


def build_vgg_like():
    inputs = keras.Input(shape=(32, 32, 3))
    x = inputs
    for filters in (16, 32):
        x = bn_relu(Conv(filters)(x))
        x = bn_relu(Conv(filters)(x))
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10)(x))
