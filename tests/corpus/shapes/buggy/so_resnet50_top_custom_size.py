"""Flower classifier: ResNet50 with its ImageNet classifier kept, on 150x150
images; the pretrained top only accepts 224x224."""
import keras
from keras import layers


def build_model():
    base = keras.applications.ResNet50(weights="imagenet", input_shape=(150, 150, 3))  # expect: KG604
    x = base.layers[-2].output
    outputs = layers.Dense(5, activation="softmax")(x)
    return keras.Model(base.input, outputs)
