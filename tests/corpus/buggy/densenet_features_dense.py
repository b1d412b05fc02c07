"""Multi-label tagger on DenseNet121: the sigmoid head was put on the backbone's 4-D output."""

import numpy as np
from keras.applications.densenet import DenseNet121
from keras.layers import Dense, Input
from keras.models import Model

IMG = 64
N_TAGS = 17


def build_tagger(weights=None):
    image = Input(shape=(IMG, IMG, 3))
    backbone = DenseNet121(include_top=False, weights=weights, input_tensor=image)
    tags = Dense(N_TAGS, activation="sigmoid")(backbone.output)  # expect: KG503
    model = Model(image, tags)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


if __name__ == "__main__":
    build_tagger(weights="imagenet").summary()
