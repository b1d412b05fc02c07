"""keras-hub-style classifier head: the pooling layer and the reshape are chosen by
if/elif/else, each arm naming its layer "pooler" / "reshape" (only one arm ever runs)."""

import keras
from keras import layers


def classifier_head(num_classes, pooling="avg", data_format="channels_last", channels=32):
    if pooling == "avg":
        pooler = layers.GlobalAveragePooling2D(data_format=data_format, name="pooler")
    elif pooling == "max":
        pooler = layers.GlobalMaxPooling2D(data_format=data_format, name="pooler")
    elif pooling == "flatten":
        pooler = layers.Flatten(name="pooler")
    else:
        raise ValueError(f"Unknown pooling: {pooling}")
    if data_format == "channels_last":
        reshape = layers.Reshape((1, 1, channels), name="reshape")
    else:
        reshape = layers.Reshape((channels, 1, 1), name="reshape")
    return keras.Sequential(
        [pooler, reshape, layers.Flatten(name="flat"), layers.Dense(num_classes, name="predictions")]
    )


def build_classifier(pooling="max"):
    inputs = keras.Input(shape=(8, 8, 32))
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    outputs = classifier_head(10, pooling=pooling)(x)
    return keras.Model(inputs, outputs)


def build_avg_classifier():
    return build_classifier("avg")


def build_from_config(config):
    inputs = keras.Input(shape=(8, 8, config["channels"]))
    head = classifier_head(
        config["num_classes"], config["pooling"], config["data_format"], config["channels"]
    )
    return keras.Model(inputs, head(inputs))
