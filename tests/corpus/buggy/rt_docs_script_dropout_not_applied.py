"""Keras-docs-style MNIST convnet written at module level: the Dropout line lost its `(x)`
when the script was edited, so the dropout is never applied."""

import keras
from keras import layers

num_classes = 10
input_shape = (28, 28, 1)

inputs = keras.Input(shape=input_shape)
x = layers.Conv2D(32, kernel_size=(3, 3), activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Conv2D(64, kernel_size=(3, 3), activation="relu")(x)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Flatten()(x)
layers.Dropout(0.5)  # expect: KG203
outputs = layers.Dense(num_classes, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="mnist_convnet")
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])


def build_docs_model():
    return model
