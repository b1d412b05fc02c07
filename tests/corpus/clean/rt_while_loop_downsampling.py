"""U-Net-ish encoder that downsamples with a while loop until the feature map is small,
creating a new conv per step and keeping skips in a list popped on the way up."""

import keras
from keras import layers


def build_unet_while(size=32, min_size=4):
    inputs = keras.Input(shape=(size, size, 1))
    x = inputs
    skips = []
    filters = 8
    while x.shape[1] > min_size:
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        skips.append(x)
        x = layers.MaxPooling2D()(x)
        filters *= 2
    while skips:
        skip = skips.pop()
        filters //= 2
        x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
        x = layers.Concatenate()([x, skip])
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)
