"""A reusable `attach_head(backbone, ...)` helper: the Dense head is put on backbone.output
without pooling, for a backbone built with include_top=False."""

import numpy as np
import keras
from keras import layers

IMG = 64


def attach_head(backbone, n_classes):
    logits = layers.Dense(n_classes)(backbone.output)  # expect: KG503
    return keras.Model(backbone.input, logits)


def build_vgg_classifier(weights=None):
    vgg = keras.applications.VGG16(include_top=False, weights=weights, input_shape=(IMG, IMG, 3))
    return attach_head(vgg, 6)


if __name__ == "__main__":
    build_vgg_classifier(weights="imagenet").summary()
