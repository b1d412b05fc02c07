"""Builder class with a build() method: the metadata Input is created in one method,
listed in the model, but the head only uses the image features."""

import numpy as np
import keras
from keras import layers


class ProductModelBuilder:
    def __init__(self, image_shape=(48, 48, 3), n_meta=5, n_classes=7):
        self.image_shape = image_shape
        self.n_meta = n_meta
        self.n_classes = n_classes

    def _inputs(self):
        image = keras.Input(shape=self.image_shape, name="image")
        meta = keras.Input(shape=(self.n_meta,), name="meta")
        return image, meta

    def _image_features(self, image):
        x = layers.Conv2D(16, 3, activation="relu")(image)
        x = layers.MaxPooling2D()(x)
        return layers.GlobalAveragePooling2D()(x)

    def build(self):
        image, meta = self._inputs()
        features = self._image_features(image)
        probs = layers.Dense(self.n_classes, activation="softmax")(features)
        model = keras.Model(inputs=[image, meta], outputs=probs)  # expect: KG102
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model


def build_product_model():
    return ProductModelBuilder().build()


if __name__ == "__main__":
    build_product_model().summary()
