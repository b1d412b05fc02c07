"""Multi-task script: one backbone, and a for loop over the tasks that builds a head per
task, a model per task and compiles each one, with the backbone trainable everywhere."""

import keras
from keras import layers

IMG_SHAPE = (32, 32, 3)
TASKS = {"species": 5, "colour": 3}


def make_backbone(input_shape):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(16, 3, activation="relu")(inputs)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, x, name="backbone")


def build_task_models():
    backbone = make_backbone(IMG_SHAPE)
    models = {}
    for task, n_classes in TASKS.items():
        out = layers.Dense(n_classes, activation="softmax", name=f"{task}_head")(backbone.output)
        model = keras.Model(backbone.input, out, name=f"{task}_model")  # expect: KG302
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        models[task] = model
    return models
