"""Backbone built on the user's tensor with input_tensor=, head on base.output, model from
base.input; plus a multi-scale feature extractor from named backbone layers."""

import keras
from keras import layers
from keras.applications import MobileNetV2

IMG = (64, 64, 3)


def build_classifier():
    inputs = keras.Input(shape=IMG, name="image")
    x = layers.Rescaling(1.0 / 127.5, offset=-1)(inputs)
    base = MobileNetV2(input_tensor=x, include_top=False, weights=None, alpha=0.35)
    h = layers.GlobalAveragePooling2D()(base.output)
    outputs = layers.Dense(5, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def build_multiscale_features():
    base = MobileNetV2(input_shape=IMG, include_top=False, weights=None, alpha=0.35)
    names = ["block_3_expand_relu", "block_6_expand_relu", "out_relu"]
    feats = [base.get_layer(n).output for n in names]
    return keras.Model(inputs=base.input, outputs=feats, name="pyramid")
