"""Multi-scale feature extractor cut out of InceptionV3 at mixed5 and mixed7."""

import numpy as np
import keras
from keras import layers

IMG_SIZE = 139


def build_multiscale(use_imagenet=False):
    base = keras.applications.InceptionV3(
        include_top=False,
        weights="imagenet" if use_imagenet else None,
        input_shape=(IMG_SIZE, IMG_SIZE, 3),
    )
    base.trainable = False
    mid = base.get_layer("mixed5").output
    deep = base.get_layer("mixed7").output
    pooled = [layers.GlobalAveragePooling2D()(t) for t in (mid, deep)]
    features = layers.Concatenate(name="multiscale_features")(pooled)
    return keras.Model(inputs=base.input, outputs=features, name="multiscale_extractor")


def build_mixed7_extractor():
    base = keras.applications.InceptionV3(include_top=False, weights=None, input_shape=(IMG_SIZE, IMG_SIZE, 3))
    return keras.Model(base.input, base.get_layer("mixed7").output)


if __name__ == "__main__":
    extractor = build_multiscale(use_imagenet=True)
    print(extractor.predict(np.random.rand(2, IMG_SIZE, IMG_SIZE, 3)).shape)
