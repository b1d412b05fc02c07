"""ResNet50 transfer learning where the pooling layer was forgotten: Dense on the 4-D map."""

import numpy as np
import keras
from keras import layers
from keras.applications import ResNet50

IMG = 64


def build_resnet_classifier(n_classes=3, weights=None):
    backbone = ResNet50(include_top=False, weights=weights, input_shape=(IMG, IMG, 3))
    backbone.trainable = False
    inputs = keras.Input(shape=(IMG, IMG, 3))
    x = keras.applications.resnet50.preprocess_input(inputs)
    x = backbone(x, training=False)
    outputs = layers.Dense(n_classes, activation="softmax")(x)  # expect: KG503
    model = keras.Model(inputs, outputs)
    model.compile("adam", "categorical_crossentropy")
    return model


if __name__ == "__main__":
    model = build_resnet_classifier(weights="imagenet")
    model.summary()
