"""TensorFlow ops inside a custom layer's call() (where real tensors flow), used functionally."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class GeM(keras.layers.Layer):
    """Generalized-mean pooling."""

    def __init__(self, p=3.0, **kwargs):
        super().__init__(**kwargs)
        self.p = p

    def call(self, x):
        x = tf.maximum(x, 1e-6)
        return tf.pow(tf.reduce_mean(tf.pow(x, self.p), axis=[1, 2]), 1.0 / self.p)


def build_retrieval_net(img=32):
    inputs = keras.Input(shape=(img, img, 3))
    x = keras.layers.Conv2D(16, 3, activation="relu")(inputs)
    x = keras.layers.Conv2D(32, 3, activation="relu")(x)
    x = GeM()(x)
    x = keras.layers.UnitNormalization()(x)
    return keras.Model(inputs, x)


if __name__ == "__main__":
    print(build_retrieval_net().predict(np.random.rand(2, 32, 32, 3)).shape)
