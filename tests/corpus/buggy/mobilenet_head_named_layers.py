"""Transfer model written with explicit layer names; the classification head copy-pastes
the name of the feature Dense, and the head goes straight on the backbone's feature map."""

import numpy as np
import keras
from keras import layers

IMG = 96


def build_with_duplicate_names():
    base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(IMG, IMG, 3), pooling="avg")
    x = layers.Dense(128, activation="relu", name="fc")(base.output)
    x = layers.Dropout(0.2, name="fc_dropout")(x)
    out = layers.Dense(4, activation="softmax", name="fc")(x)  # expect: KG304
    return keras.Model(base.input, out)


def build_without_pooling():
    base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(IMG, IMG, 3))
    x = layers.Dense(128, activation="relu", name="fc")(base.output)  # expect: KG503
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    out = layers.Dense(4, activation="softmax", name="predictions")(x)
    return keras.Model(base.input, out)


if __name__ == "__main__":
    build_without_pooling().summary()
