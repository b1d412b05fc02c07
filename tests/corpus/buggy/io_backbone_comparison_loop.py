"""Blog-style backbone comparison: a for loop over keras.applications constructors, each
with a Dense head straight on base.output (no pooling)."""

import keras
from keras import layers
from keras.applications import MobileNetV2, EfficientNetB0

IMG_SHAPE = (32, 32, 3)
NUM_CLASSES = 3
BACKBONES = {"mobilenet_v2": MobileNetV2, "efficientnet_b0": EfficientNetB0}


def build_candidates():
    candidates = {}
    for name, backbone_fn in BACKBONES.items():
        base = backbone_fn(input_shape=IMG_SHAPE, include_top=False, weights=None)
        base.trainable = False
        x = layers.Dense(NUM_CLASSES, activation="softmax")(base.output)  # expect: KG503
        model = keras.Model(base.input, x, name=f"clf_{name}")
        candidates[name] = model
    return candidates
