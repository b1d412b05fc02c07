"""Binary classifier on EfficientNetB0 features: Dense(1) straight on `base.output`."""

import numpy as np
import tensorflow as tf

IMG = 64


def build_binary_classifier(pretrained=False):
    base = tf.keras.applications.EfficientNetB0(
        include_top=False, weights="imagenet" if pretrained else None, input_shape=(IMG, IMG, 3)
    )
    x = tf.keras.layers.Dense(256, activation="relu")(base.output)  # expect: KG503
    x = tf.keras.layers.Dropout(0.5)(x)
    out = tf.keras.layers.Dense(1, activation="sigmoid")(x)
    model = tf.keras.Model(base.input, out)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


if __name__ == "__main__":
    build_binary_classifier(pretrained=True).summary()
