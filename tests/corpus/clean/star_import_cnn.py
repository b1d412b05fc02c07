"""Old-school script with a star import and the functional API."""

import numpy as np
from keras.layers import *
from keras.models import Model
from keras.optimizers import Adam


def build_lenet(input_shape=(28, 28, 1), classes=10):
    inp = Input(shape=input_shape)
    x = Conv2D(6, (5, 5), padding="same", activation="tanh")(inp)
    x = AveragePooling2D(2)(x)
    x = Conv2D(16, (5, 5), activation="tanh")(x)
    x = AveragePooling2D(2)(x)
    x = Flatten()(x)
    x = Dense(120, activation="tanh")(x)
    x = Dense(84, activation="tanh")(x)
    out = Dense(classes, activation="softmax")(x)
    model = Model(inputs=inp, outputs=out)
    model.compile(optimizer=Adam(learning_rate=1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    model = build_lenet()
    y = np.eye(10)[np.random.randint(0, 10, 16)]
    model.fit(np.random.rand(16, 28, 28, 1), y, epochs=1)
