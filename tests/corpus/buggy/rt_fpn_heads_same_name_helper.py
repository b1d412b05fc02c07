"""Detection heads made by a helper called once per pyramid level: the helper hard-codes
the layer names, so the second level's head collides with the first one."""

import keras
from keras import layers

NUM_CLASSES = 3


def head(feature, level):
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(feature)
    cls = layers.Conv2D(NUM_CLASSES, 1, name="cls_logits")(x)  # expect: KG304
    box = layers.Conv2D(4, 1, name=f"box_{level}")(x)
    return layers.Reshape((-1, NUM_CLASSES))(cls), layers.Reshape((-1, 4))(box)


def build_detector():
    image = keras.Input(shape=(64, 64, 3))
    c3 = layers.Conv2D(16, 3, strides=4, padding="same")(image)
    c4 = layers.Conv2D(16, 3, strides=2, padding="same")(c3)
    outs = [head(c3, 3), head(c4, 4)]
    cls = layers.Concatenate(axis=1)([o[0] for o in outs])
    box = layers.Concatenate(axis=1)([o[1] for o in outs])
    return keras.Model(image, [cls, box])
