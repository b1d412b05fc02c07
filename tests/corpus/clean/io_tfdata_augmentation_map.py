"""Augmentation Sequential applied in a tf.data pipeline (`ds.map(lambda x, y:
(data_augmentation(x, training=True), y))`) and the model itself built by
make_model(input_shape, num_classes) with Rescaling first."""

import numpy as np
import tensorflow as tf
import keras
from keras import layers

image_size = (32, 32)
batch_size = 8
AUTOTUNE = tf.data.AUTOTUNE

data_augmentation = keras.Sequential(
    [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.1)]
)

images = np.random.randint(0, 255, size=(16,) + image_size + (3,)).astype("float32")
labels = np.random.randint(0, 2, size=(16,))
train_ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size)
train_ds = train_ds.map(
    lambda img, label: (data_augmentation(img, training=True), label),
    num_parallel_calls=AUTOTUNE,
)
train_ds = train_ds.prefetch(AUTOTUNE)


def make_model(input_shape, num_classes):
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(16, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    if num_classes == 2:
        units = 1
    else:
        units = num_classes
    x = layers.Dropout(0.25)(x)
    outputs = layers.Dense(units, activation=None)(x)
    return keras.Model(inputs, outputs)


def build():
    model = make_model(input_shape=image_size + (3,), num_classes=2)
    model.compile(
        optimizer=keras.optimizers.Adam(3e-4),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(name="acc")],
    )
    return model


if __name__ == "__main__":
    build().fit(train_ds, epochs=1)
