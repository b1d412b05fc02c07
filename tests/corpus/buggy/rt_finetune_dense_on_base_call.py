"""Fine-tuning with base(x, training=False) but no pooling between the backbone and the
classifier: the Dense runs on every spatial position of the feature map."""

import keras
from keras import layers

IMG = (96, 96, 3)


def build_flowers():
    base = keras.applications.MobileNetV2(input_shape=IMG, include_top=False, weights=None, alpha=0.35)
    base.trainable = False
    inputs = keras.Input(shape=IMG)
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    outputs = layers.Dense(5, activation="softmax")(x)  # expect: KG503
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model
