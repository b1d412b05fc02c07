"""Backbones chosen from a registry dict of keras.applications constructors (tf.keras
namespace); the head Dense is put on the 4-D base.output."""

import tensorflow as tf

BACKBONES = {
    "mobilenet_v2": tf.keras.applications.MobileNetV2,
    "mobilenet_v3": tf.keras.applications.MobileNetV3Small,
}


def build_classifier(name="mobilenet_v2", n_classes=4):
    base = BACKBONES[name](input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35)
    out = tf.keras.layers.Dense(n_classes, activation="softmax")(base.output)  # expect: KG503
    return tf.keras.Model(base.input, out)
