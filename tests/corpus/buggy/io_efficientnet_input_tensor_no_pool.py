"""keras.io EfficientNet fine-tuning script where the GlobalAveragePooling2D line was
dropped: the Dense head sits on model.output, the 4-D feature map."""

import keras
from keras import layers
from keras.applications import EfficientNetB0

IMG_SIZE = 32
NUM_CLASSES = 5


def build_model(num_classes=NUM_CLASSES):
    inputs = layers.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
    x = layers.RandomFlip()(inputs)
    model = EfficientNetB0(include_top=False, input_tensor=x, weights=None)
    model.trainable = False
    x = layers.Dropout(0.2, name="top_dropout")(model.output)
    outputs = layers.Dense(num_classes, activation="softmax", name="pred")(model.output)  # expect: KG503
    model = keras.Model(inputs, [outputs, x], name="EfficientNet")
    model.compile(optimizer="adam", loss=["categorical_crossentropy", None])
    return model
