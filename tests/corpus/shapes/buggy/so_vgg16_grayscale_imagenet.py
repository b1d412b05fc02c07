"""Fashion-MNIST transfer learning: VGG16 with ImageNet weights on 48x48
grayscale images; ImageNet weights need 3 channels."""
import keras
from keras import layers


def build_model():
    base = keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=(48, 48, 1))  # expect: KG604
    base.trainable = False
    x = layers.Flatten()(base.output)
    x = layers.Dense(256, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(base.input, outputs)
