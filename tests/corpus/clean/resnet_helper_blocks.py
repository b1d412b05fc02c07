"""Small ResNet for CIFAR-10: residual blocks in a helper, called in a loop."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.models import Model


def residual_block(x, filters, stride=1, name=None):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    if stride != 1 or shortcut.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=f"{name}_proj")(shortcut)
        shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.Activation("relu", name=f"{name}_out")(y)


def build_resnet(stages=(16, 32, 64), blocks_per_stage=2, num_classes=10):
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(stages[0], 3, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    for s, filters in enumerate(stages):
        for b in range(blocks_per_stage):
            stride = 2 if (b == 0 and s > 0) else 1
            x = residual_block(x, filters, stride=stride, name=f"stage{s}_block{b}")
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = Model(inputs, outputs, name="resnet_small")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    model = build_resnet()
    model.summary()
    model.fit(np.random.rand(16, 32, 32, 3), np.random.randint(0, 10, 16), epochs=1)
