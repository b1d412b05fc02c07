"""Transfer learning with a frozen MobileNetV2 called as a layer, then fine-tuning with a
recompile (the Keras transfer-learning guide recipe)."""

import numpy as np
import keras
from keras import layers

IMG_SIZE = 96


def build_transfer_model(use_imagenet=False):
    base_model = keras.applications.MobileNetV2(
        weights="imagenet" if use_imagenet else None,
        input_shape=(IMG_SIZE, IMG_SIZE, 3),
        include_top=False,
    )
    base_model.trainable = False
    inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base_model(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy()],
    )
    return model, base_model


def unfreeze_and_recompile(model, base_model):
    base_model.trainable = True
    model.compile(
        optimizer=keras.optimizers.Adam(1e-5),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy()],
    )


def build_finetuned():
    model, base_model = build_transfer_model()
    unfreeze_and_recompile(model, base_model)
    return model


def main():
    model, base_model = build_transfer_model(use_imagenet=True)
    x = np.random.rand(8, IMG_SIZE, IMG_SIZE, 3).astype("float32") * 255
    y = np.random.randint(0, 2, (8, 1))
    model.fit(x, y, epochs=1)
    unfreeze_and_recompile(model, base_model)
    model.fit(x, y, epochs=1)


if __name__ == "__main__":
    main()
