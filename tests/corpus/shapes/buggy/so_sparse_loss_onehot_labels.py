"""CIFAR-style classifier trained with one-hot labels but
sparse_categorical_crossentropy, which wants integer labels."""
import numpy as np
import keras
from keras import layers


def build_and_train():
    x = np.random.rand(32, 32, 32, 3).astype("float32")
    y = keras.utils.to_categorical(np.random.randint(0, 10, 32), 10)
    inputs = keras.Input(shape=(32, 32, 3))
    h = layers.Conv2D(16, 3, activation="relu")(inputs)
    h = layers.GlobalAveragePooling2D()(h)
    outputs = layers.Dense(10, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)  # expect: KG606
    return model
