"""Backbone comparison loop done right: each keras.applications constructor gets
pooling="avg" (or the head has a GlobalAveragePooling2D), the Dense head goes straight on
base.output, each candidate is its own compiled model."""

import keras
from keras import layers
from keras.applications import MobileNetV2, EfficientNetB0, DenseNet121

IMG_SHAPE = (32, 32, 3)
NUM_CLASSES = 3
BACKBONES = {"mobilenet_v2": MobileNetV2, "efficientnet_b0": EfficientNetB0}


def build_candidates():
    candidates = {}
    for name, backbone_fn in BACKBONES.items():
        base = backbone_fn(input_shape=IMG_SHAPE, include_top=False, weights=None, pooling="avg")
        base.trainable = False
        x = layers.Dropout(0.2)(base.output)
        outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
        model = keras.Model(base.input, outputs, name=f"clf_{name}")
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        candidates[name] = model
    return candidates


def build_densenet():
    inputs = keras.Input(shape=IMG_SHAPE)
    x = keras.applications.densenet.preprocess_input(inputs)
    base = DenseNet121(include_top=False, weights=None, input_tensor=x)
    base.trainable = False
    pooled = layers.GlobalAveragePooling2D()(base.output)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(pooled)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
