"""Face-embedding network that L2-normalizes with tf.math directly on the Keras tensor."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import Input, Model
from tensorflow.keras.layers import Conv2D, Dense, GlobalAveragePooling2D


def build_face_embedder(img=48, dim=64):
    face = Input(shape=(img, img, 3))
    x = Conv2D(32, 3, strides=2, activation="relu")(face)
    x = Conv2D(64, 3, strides=2, activation="relu")(x)
    x = GlobalAveragePooling2D()(x)
    x = Dense(dim)(x)
    embedding = tf.math.l2_normalize(x, axis=1)  # expect: KG204
    return Model(face, embedding)


if __name__ == "__main__":
    build_face_embedder().summary()
