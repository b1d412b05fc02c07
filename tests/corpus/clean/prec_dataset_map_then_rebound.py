"""Notebook cells: a rescaling layer is used in the tf.data pipeline through a function
handed to ``ds.map``; a later cell rebinds the same name for the model's own rescaling."""

import numpy as np
import tensorflow as tf
import keras
from keras import layers

images = np.random.rand(16, 32, 32, 3).astype("float32") * 255
labels = np.random.randint(0, 3, size=(16,))

rescale = layers.Rescaling(1.0 / 255)
flip = layers.RandomFlip("horizontal")


def preprocess(image, label):
    return rescale(image), label


def augment(image, label):
    return flip(image, training=True), label


train_ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8).map(preprocess).map(augment)

# Next cell: the model scales to [-1, 1] itself.
rescale = layers.Rescaling(1.0 / 127.5, offset=-1)
flip = None


def build_model():
    inputs = keras.Input(shape=(32, 32, 3))
    x = rescale(inputs)
    x = layers.Conv2D(8, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)
