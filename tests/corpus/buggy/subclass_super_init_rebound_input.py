"""A keras.Model subclass that wires its graph in __init__; the Input variable is rebound
by the augmentation layer before super().__init__(inputs, outputs)."""

import numpy as np
import keras
from keras import layers


class AugmentedCNN(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        inputs = keras.Input(shape=(32, 32, 3))
        inputs = layers.RandomFlip("horizontal")(inputs)
        x = layers.Conv2D(32, 3, activation="relu")(inputs)
        x = layers.GlobalAveragePooling2D()(x)
        outputs = layers.Dense(num_classes)(x)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)  # expect: KG104


def build_augmented_cnn():
    model = AugmentedCNN()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


if __name__ == "__main__":
    build_augmented_cnn().summary()
