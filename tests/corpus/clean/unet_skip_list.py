"""U-Net for segmentation: encoder skips kept in a list and consumed in reverse."""

import numpy as np
import keras
from keras import layers as L


def double_conv(x, filters):
    x = L.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = L.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return x


def build_unet(input_shape=(64, 64, 3), n_classes=3, depth=3, base_filters=8):
    inputs = L.Input(shape=input_shape)
    skips = []
    x = inputs
    for d in range(depth):
        x = double_conv(x, base_filters * 2**d)
        skips.append(x)
        x = L.MaxPooling2D()(x)
    x = double_conv(x, base_filters * 2**depth)
    for d in reversed(range(depth)):
        x = L.Conv2DTranspose(base_filters * 2**d, 2, strides=2, padding="same")(x)
        x = L.Concatenate()([x, skips[d]])
        x = double_conv(x, base_filters * 2**d)
    outputs = L.Conv2D(n_classes, 1, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="unet")


def main():
    model = build_unet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.rand(4, 64, 64, 3).astype("float32")
    y = np.random.randint(0, 3, (4, 64, 64, 1))
    model.fit(x, y, epochs=1)


if __name__ == "__main__":
    main()
