"""The seed's construct_model with the GlobalAveragePooling2D line deleted."""

import keras

IMG_SIZE = 139
N_CLASSES = 5


def construct_model(use_imagenet=True):
    model = keras.applications.InceptionV3(include_top=False, input_shape=(IMG_SIZE, IMG_SIZE, 3),
                                          weights='imagenet' if use_imagenet else None)
    new_output = keras.layers.Dense(N_CLASSES, activation='softmax')(model.output)  # expect: KG503
    model = keras.Model(model.inputs, new_output)
    return model


def build_model():
    return construct_model(use_imagenet=False)


if __name__ == "__main__":
    construct_model().summary()
