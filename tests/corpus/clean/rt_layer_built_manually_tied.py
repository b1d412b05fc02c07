"""Tied autoencoder: the decoder uses the encoder Dense's kernel through a custom layer
that receives the Dense object (passed, not called, by the builder)."""

import keras
from keras import layers, ops


class DenseTranspose(layers.Layer):
    def __init__(self, dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],), initializer="zeros")

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias)


def build_tied_autoencoder():
    dense_1 = layers.Dense(16, activation="relu")
    dense_2 = layers.Dense(4, activation="relu")
    inputs = keras.Input(shape=(32,))
    code = dense_2(dense_1(inputs))
    h = DenseTranspose(dense_2, activation="relu")(code)
    recon = DenseTranspose(dense_1, activation="sigmoid")(h)
    model = keras.Model(inputs, recon)
    model.compile("adam", "mse")
    return model

