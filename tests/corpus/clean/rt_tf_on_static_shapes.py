"""tf/numpy applied to static shapes and Python numbers while building (not to tensors):
scale from tf.math.sqrt(tf.cast(dim)), sizes from np.prod(x.shape[1:])."""

import numpy as np
import tensorflow as tf
import keras
from keras import layers, ops


def build_scaled_attention():
    x_in = keras.Input(shape=(6, 4, 8))
    flat_dim = int(np.prod(x_in.shape[2:]))
    seq = layers.Reshape((x_in.shape[1], flat_dim))(x_in)
    q = layers.Dense(16)(seq)
    k = layers.Dense(16)(seq)
    scale = float(tf.math.sqrt(tf.cast(q.shape[-1], tf.float32)))
    scores = ops.matmul(q, ops.transpose(k, (0, 2, 1))) / scale
    weights = ops.softmax(scores, axis=-1)
    ctx = ops.matmul(weights, seq)
    units = int(np.ceil(flat_dim / 2))
    return keras.Model(x_in, layers.Dense(units)(ops.mean(ctx, axis=1)))
