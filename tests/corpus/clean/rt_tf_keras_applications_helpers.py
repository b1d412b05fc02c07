"""tf.keras.applications helpers on symbolic tensors (preprocess_input is a Keras function,
not a TF op) and a keras.ops reduction over the headless feature map before the Dense."""

import tensorflow as tf
from keras import ops


def build_preprocessed_classifier():
    inputs = tf.keras.Input(shape=(64, 64, 3))
    x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
    base = tf.keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35)
    fmap = base(x, training=False)
    pooled = ops.mean(fmap, axis=(1, 2))
    out = tf.keras.layers.Dense(5, activation="softmax")(pooled)
    return tf.keras.Model(inputs, out)
