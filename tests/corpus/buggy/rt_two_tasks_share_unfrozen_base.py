"""Two task models built on one unfrozen backbone and compiled separately (trained one
after the other): the second training overwrites the backbone the first relies on."""

import keras
from keras import layers

IMG = (64, 64, 3)


def build_task_models():
    base = keras.applications.MobileNetV2(input_shape=IMG, include_top=False, weights=None, alpha=0.35, pooling="avg")
    inputs = keras.Input(shape=IMG)
    feats = base(inputs)
    species = layers.Dense(10, activation="softmax", name="species")(feats)
    species_model = keras.Model(inputs, species)
    species_model.compile("adam", "sparse_categorical_crossentropy")

    healthy = layers.Dense(1, activation="sigmoid", name="healthy")(feats)
    health_model = keras.Model(inputs, healthy)  # expect: KG302
    health_model.compile("adam", "binary_crossentropy")
    return species_model, health_model
