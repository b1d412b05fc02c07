"""The most common KG104: the Input variable is rebound by a preprocessing layer and then
passed to Model(); Keras 3 silently drops the Rescaling from the model."""

import numpy as np
import keras
from keras import layers


def build_cnn(num_classes=10):
    inputs = keras.Input(shape=(32, 32, 3))
    inputs = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)  # expect: KG104
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


if __name__ == "__main__":
    model = build_cnn()
    model.fit(np.random.randint(0, 255, (8, 32, 32, 3)).astype("float32"), np.random.randint(0, 10, 8))
