"""Head attached to a named intermediate layer of a headless backbone (`out_relu`), with
the Dense applied to the 4-D activation map."""

import keras
from keras import layers


def build_from_named_layer():
    base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35)
    feat = base.get_layer("out_relu").output
    logits = layers.Dense(6, name="logits")(feat)  # expect: KG503
    return keras.Model(base.input, logits)
