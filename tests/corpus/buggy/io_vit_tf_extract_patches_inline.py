"""ViT script that extracts patches inline with tf.image.extract_patches on the augmented
KerasTensor instead of inside a Patches layer."""

import tensorflow as tf
import keras
from keras import layers

image_size = 32
patch_size = 8
num_patches = (image_size // patch_size) ** 2
projection_dim = 16
num_classes = 10

data_augmentation = keras.Sequential(
    [layers.RandomFlip("horizontal"), layers.RandomRotation(0.02)], name="data_augmentation"
)


def create_vit_classifier():
    inputs = keras.Input(shape=(image_size, image_size, 3))
    augmented = data_augmentation(inputs)
    patches = tf.image.extract_patches(  # expect: KG204
        images=augmented,
        sizes=[1, patch_size, patch_size, 1],
        strides=[1, patch_size, patch_size, 1],
        rates=[1, 1, 1, 1],
        padding="VALID",
    )
    patches = layers.Reshape((num_patches, patch_size * patch_size * 3))(patches)
    encoded = layers.Dense(projection_dim)(patches)
    x = layers.GlobalAveragePooling1D()(encoded)
    logits = layers.Dense(num_classes)(x)
    return keras.Model(inputs=inputs, outputs=logits)


def build_vit():
    return create_vit_classifier()
