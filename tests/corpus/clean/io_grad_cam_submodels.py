"""keras.io Grad-CAM (both versions): a grad_model with outputs=[get_layer(name).output,
model.output], and the older split into last_conv_layer_model / classifier_model that
re-applies the trained model's head layers by name on a fresh Input; the softmax is
removed with `model.layers[-1].activation = None`."""

import numpy as np
import keras
from keras import layers

img_size = (32, 32)
last_conv_layer_name = "last_conv"
classifier_layer_names = ["avg_pool", "predictions"]

inputs = keras.Input(shape=img_size + (3,))
x = layers.Rescaling(1.0 / 255)(inputs)
x = layers.Conv2D(16, 3, activation="relu")(x)
x = layers.Conv2D(32, 3, activation="relu", name=last_conv_layer_name)(x)
x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
model = keras.Model(inputs, outputs)

# Remove last layer's softmax
model.layers[-1].activation = None


def build_grad_model():
    grad_model = keras.models.Model(
        model.inputs, [model.get_layer(last_conv_layer_name).output, model.output]
    )
    return grad_model


def build_split_models():
    # First, we create a model that maps the input image to the activations
    # of the last conv layer
    last_conv_layer = model.get_layer(last_conv_layer_name)
    last_conv_layer_model = keras.Model(model.inputs, last_conv_layer.output)

    # Second, we create a model that maps the activations of the last conv
    # layer to the final class predictions
    classifier_input = keras.Input(shape=last_conv_layer.output.shape[1:])
    x = classifier_input
    for layer_name in classifier_layer_names:
        x = model.get_layer(layer_name)(x)
    classifier_model = keras.Model(classifier_input, x)
    return last_conv_layer_model, classifier_model


if __name__ == "__main__":
    img_array = np.random.rand(1, 32, 32, 3).astype("float32") * 255
    last_conv_layer_model, classifier_model = build_split_models()
    preds = classifier_model(last_conv_layer_model(img_array))
    print(np.argmax(preds[0]))
