"""Transfer-learning script that resizes the symbolic input with tf.image.resize instead of
a layers.Resizing layer (Keras 3 raises)."""

import tensorflow as tf
import keras
from keras import layers

RAW_SIZE = 48
IMG_SIZE = 32
NUM_CLASSES = 3

base_model = keras.applications.MobileNetV2(
    input_shape=(IMG_SIZE, IMG_SIZE, 3), include_top=False, weights=None, alpha=0.35
)
base_model.trainable = False


def build_model():
    inputs = keras.Input(shape=(RAW_SIZE, RAW_SIZE, 3))
    x = tf.image.resize(inputs, (IMG_SIZE, IMG_SIZE))  # expect: KG204
    x = layers.Rescaling(1.0 / 127.5, offset=-1)(x)
    x = base_model(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model
