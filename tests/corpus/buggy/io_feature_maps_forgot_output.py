"""'Visualizing what convnets learn' style feature-map model: the list comprehension
collects the layers themselves instead of their .output."""

import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, 3, activation="relu", name="conv_1"),
        layers.Conv2D(16, 3, activation="relu", name="conv_2"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)


def build_activation_model():
    layer_outputs = [layer for layer in model.layers if "conv" in layer.name]
    activation_model = keras.Model(inputs=model.inputs, outputs=layer_outputs)  # expect: KG201
    return activation_model
