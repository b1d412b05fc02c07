"""FCOS-style head with three branches; the centerness branch is computed but the model's
outputs list only has classification and box regression."""

import keras
from keras import layers


def build_fcos_head(n_classes=3):
    feat = keras.Input(shape=(16, 16, 32))
    cls_tower = layers.Conv2D(32, 3, padding="same", activation="relu")(feat)
    box_tower = layers.Conv2D(32, 3, padding="same", activation="relu")(feat)
    cls = layers.Conv2D(n_classes, 3, padding="same", name="cls")(cls_tower)
    box = layers.Conv2D(4, 3, padding="same", activation="relu", name="box")(box_tower)
    ctr = layers.Conv2D(1, 3, padding="same", name="centerness")(box_tower)
    ctr = layers.Activation("sigmoid")(ctr)  # expect: KG103
    model = keras.Model(inputs=feat, outputs=[cls, box])
    model.compile("adam", ["binary_crossentropy", "mse"])
    return model
