"""TensorFlow 'Transfer learning and fine-tuning' tutorial style: the head layers are
first tried eagerly on a real batch, then reused in the functional model; tf.keras
preprocess_input is aliased and applied to the symbolic input."""

import numpy as np
import tensorflow as tf

BATCH_SIZE = 4
IMG_SIZE = (64, 64)
IMG_SHAPE = IMG_SIZE + (3,)
base_learning_rate = 0.0001
fine_tune_at = 100

images = np.random.randint(0, 255, size=(BATCH_SIZE,) + IMG_SHAPE).astype("float32")
labels = np.random.randint(0, 2, size=(BATCH_SIZE, 1)).astype("float32")
train_dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(BATCH_SIZE)

data_augmentation = tf.keras.Sequential([
    tf.keras.layers.RandomFlip('horizontal'),
    tf.keras.layers.RandomRotation(0.2),
])

preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input

base_model = tf.keras.applications.MobileNetV2(input_shape=IMG_SHAPE,
                                               include_top=False,
                                               weights=None, alpha=0.35)

image_batch, label_batch = next(iter(train_dataset))
feature_batch = base_model(image_batch)
base_model.trainable = False

global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
feature_batch_average = global_average_layer(feature_batch)
prediction_layer = tf.keras.layers.Dense(1)
prediction_batch = prediction_layer(feature_batch_average)


def build_model():
    inputs = tf.keras.Input(shape=IMG_SHAPE)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = global_average_layer(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    outputs = prediction_layer(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=base_learning_rate),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name='accuracy')])

    base_model.trainable = True
    # Freeze all the layers before the `fine_tune_at` layer
    for layer in base_model.layers[:fine_tune_at]:
        layer.trainable = False
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.RMSprop(learning_rate=base_learning_rate / 10),
                  metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0, name='accuracy')])
    return model
