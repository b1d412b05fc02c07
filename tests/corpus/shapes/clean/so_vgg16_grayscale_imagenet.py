"""Corrected version of ../buggy/so_vgg16_grayscale_imagenet.py."""
import keras
from keras import layers


def build_model():
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(48, 48, 1))
    base.trainable = False
    x = layers.Flatten()(base.output)
    x = layers.Dense(256, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(base.input, outputs)
