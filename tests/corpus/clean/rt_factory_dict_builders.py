"""Model zoo: builders registered in a dict and chosen by name (argparse style)."""

import keras
from keras import layers

IMG = (32, 32, 3)
N_CLASSES = 10


def make_cnn():
    inputs = keras.Input(shape=IMG)
    x = layers.Conv2D(16, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(N_CLASSES, activation="softmax")(x), name="cnn")


def make_mlp():
    inputs = keras.Input(shape=IMG)
    x = layers.Flatten()(inputs)
    x = layers.Dense(128, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(N_CLASSES, activation="softmax")(x), name="mlp")


BUILDERS = {"cnn": make_cnn, "mlp": make_mlp}


def get_model(name):
    model = BUILDERS[name]()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def build_selected():
    return get_model("cnn")


def build_all():
    return {name: factory() for name, factory in BUILDERS.items()}
