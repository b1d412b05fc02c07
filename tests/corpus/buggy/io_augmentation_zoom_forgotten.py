"""Augmentation block defined layer by layer at the top of the script; the zoom layer
was created but never put into the Sequential."""

import keras
from keras import layers

IMG_SIZE = 32
NUM_CLASSES = 4

random_flip = layers.RandomFlip("horizontal")
random_rotation = layers.RandomRotation(0.1)
random_zoom = layers.RandomZoom(0.2)  # expect: KG203

data_augmentation = keras.Sequential([random_flip, random_rotation], name="augmentation")


def build_model():
    inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
    x = data_augmentation(inputs)
    x = layers.Rescaling(1.0 / 255)(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs)
