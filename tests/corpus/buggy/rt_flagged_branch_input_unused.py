"""Image + metadata model where the metadata branch sits behind a config flag that is off
by default, yet the metadata Input is still listed in the model's inputs."""

import keras
from keras import layers

CFG = {"use_meta": False, "meta_dim": 6}


def build_image_meta(cfg=CFG):
    image = keras.Input(shape=(32, 32, 3), name="image")
    meta = keras.Input(shape=(cfg["meta_dim"],), name="meta")
    x = layers.Conv2D(16, 3, activation="relu")(image)
    x = layers.GlobalAveragePooling2D()(x)
    if cfg["use_meta"]:
        m = layers.Dense(8, activation="relu")(meta)
        x = layers.Concatenate()([x, m])
    out = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model([image, meta], out)  # expect: KG102
