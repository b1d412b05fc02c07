"""A keras.Model subclass that builds its graph in __init__ and calls super().__init__(inputs, outputs)."""

import numpy as np
import keras
from keras import layers


class MultiScaleCNN(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        inputs = keras.Input(shape=(32, 32, 3))
        branches = []
        for k in (1, 3, 5):
            b = layers.Conv2D(8, k, padding="same", activation="relu", name=f"conv_k{k}")(inputs)
            branches.append(b)
        x = layers.Concatenate()(branches)
        x = layers.GlobalMaxPooling2D()(x)
        outputs = layers.Dense(num_classes)(x)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.num_classes = num_classes


def build_multiscale_cnn():
    model = MultiScaleCNN()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


if __name__ == "__main__":
    m = build_multiscale_cnn()
    m.fit(np.random.rand(8, 32, 32, 3), np.random.randint(0, 10, 8), epochs=1)
