"""Feature extractor from an intermediate layer: get_layer(...) returns the layer, the
author forgot `.output`."""

import numpy as np
import keras

IMG_SIZE = 139


def build_mixed7_extractor(use_imagenet=False):
    base = keras.applications.InceptionV3(
        include_top=False, weights="imagenet" if use_imagenet else None, input_shape=(IMG_SIZE, IMG_SIZE, 3)
    )
    features = base.get_layer("mixed7")
    return keras.Model(inputs=base.input, outputs=features)  # expect: KG201


if __name__ == "__main__":
    extractor = build_mixed7_extractor(True)
    print(extractor.predict(np.random.rand(1, IMG_SIZE, IMG_SIZE, 3)).shape)
