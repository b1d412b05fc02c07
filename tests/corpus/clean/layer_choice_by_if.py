"""Model factory whose layers depend on a config: the branch taken is chosen by if/else."""

import numpy as np
import keras
from keras import layers

CONFIGS = {
    "small": {"units": [32], "norm": "batch", "activation": "relu", "pool": "avg"},
    "large": {"units": [128, 64], "norm": "layer", "activation": "gelu", "pool": "max"},
}


def make_norm(kind):
    if kind == "batch":
        return layers.BatchNormalization()
    elif kind == "layer":
        return layers.LayerNormalization()
    return layers.Identity()


def build_from_config(cfg):
    inputs = keras.Input(shape=(20, 8))
    if cfg["pool"] == "avg":
        x = layers.GlobalAveragePooling1D()(inputs)
    else:
        x = layers.GlobalMaxPooling1D()(inputs)
    for units in cfg["units"]:
        x = layers.Dense(units)(x)
        x = make_norm(cfg["norm"])(x)
        x = layers.Activation(cfg["activation"])(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def build_small():
    return build_from_config(CONFIGS["small"])


def build_large():
    return build_from_config(CONFIGS["large"])


if __name__ == "__main__":
    for name in CONFIGS:
        m = build_from_config(CONFIGS[name])
        m.compile("adam", "sparse_categorical_crossentropy")
        m.fit(np.random.rand(8, 20, 8), np.random.randint(0, 3, 8), epochs=1)
