"""Triplet network: each of the three image Inputs is rescaled in a loop that rebinds the
list entries, so the model's inputs are Rescaling outputs, not Inputs."""

import keras
from keras import layers


def make_embedding():
    img = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, activation="relu")(img)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(img, layers.Dense(8)(x), name="embedding")


def build_triplet():
    embedding = make_embedding()
    anchor = layers.Input(name="anchor", shape=(32, 32, 3))
    positive = layers.Input(name="positive", shape=(32, 32, 3))
    negative = layers.Input(name="negative", shape=(32, 32, 3))
    anchor = layers.Rescaling(1 / 255.0)(anchor)
    positive = layers.Rescaling(1 / 255.0)(positive)
    negative = layers.Rescaling(1 / 255.0)(negative)
    ap = layers.Subtract()([embedding(anchor), embedding(positive)])
    an = layers.Subtract()([embedding(anchor), embedding(negative)])
    d = layers.Concatenate()([ap, an])
    model = keras.Model(inputs=[anchor, positive, negative], outputs=d)  # expect: KG104
    return model
