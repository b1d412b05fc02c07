"""Transfer learning guide (keras.io) as a module-level script: frozen backbone called
with training=False, augmentation Sequential, Rescaling with offset, then unfreeze and
recompile the same model for fine-tuning."""

import numpy as np
import keras
from keras import layers

IMG_SIZE = 64
BATCH_SIZE = 8
NUM_CLASSES = 1
LEARNING_RATE = 1e-3
FINE_TUNE_LR = 1e-5

data_augmentation = keras.Sequential(
    [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)],
    name="img_augmentation",
)

base_model = keras.applications.MobileNetV2(
    weights=None,  # weights="imagenet" in the guide; no download here
    input_shape=(IMG_SIZE, IMG_SIZE, 3),
    include_top=False,
    alpha=0.35,
)
# Freeze the base_model
base_model.trainable = False

# Create new model on top
inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
x = data_augmentation(inputs)  # Apply random data augmentation

# Pre-trained weights require that input be scaled from (0, 255) to (-1., +1.)
scale_layer = layers.Rescaling(scale=1 / 127.5, offset=-1)
x = scale_layer(x)

# The base model contains batchnorm layers. We want to keep them in inference mode
# when we unfreeze the base model for fine-tuning, so we make sure that the
# base_model is running in inference mode here.
x = base_model(x, training=False)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.2)(x)  # Regularize with dropout
outputs = layers.Dense(NUM_CLASSES)(x)
model = keras.Model(inputs, outputs)

model.compile(
    optimizer=keras.optimizers.Adam(LEARNING_RATE),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)

x_train = np.random.rand(16, IMG_SIZE, IMG_SIZE, 3).astype("float32") * 255
y_train = np.random.randint(0, 2, size=(16, 1)).astype("float32")


def build_finetune_model():
    # Unfreeze the base_model. Note that it keeps running in inference mode
    # since we passed `training=False` when calling it.
    base_model.trainable = True
    model.compile(
        optimizer=keras.optimizers.Adam(FINE_TUNE_LR),  # Low learning rate
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy()],
    )
    return model


if __name__ == "__main__":
    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=1)
    build_finetune_model().fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=1)
