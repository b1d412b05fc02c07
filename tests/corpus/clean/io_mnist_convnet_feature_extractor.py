"""keras.io 'Simple MNIST convnet' with layers.Input first in a Sequential, then the
Sequential guide's feature extraction: outputs=[layer.output for layer in ...] and
get_layer(name=...).output."""

import numpy as np
import keras
from keras import layers

# Model / data parameters
num_classes = 10
input_shape = (28, 28, 1)
batch_size = 128
epochs = 15

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu", name="my_intermediate_layer"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])


def build_feature_extractors():
    feature_extractor = keras.Model(
        inputs=model.inputs,
        outputs=[layer.output for layer in model.layers],
    )
    intermediate = keras.Model(
        inputs=model.inputs,
        outputs=model.get_layer(name="my_intermediate_layer").output,
    )
    x = np.ones((1, 28, 28, 1))
    features = feature_extractor(x)
    return feature_extractor, intermediate, features


if __name__ == "__main__":
    x_train = np.random.rand(64, 28, 28, 1).astype("float32")
    y_train = keras.utils.to_categorical(np.random.randint(0, 10, 64), num_classes)
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)
