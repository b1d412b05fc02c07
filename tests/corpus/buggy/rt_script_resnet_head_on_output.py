"""Transfer-learning script at module level (no function): a Dense stack put straight on
base.output of a headless backbone, no pooling, no Flatten."""

import keras
from keras import layers
from keras.applications import MobileNetV2

base = MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None, alpha=0.35)
for layer in base.layers:
    layer.trainable = False

x = base.output
x = layers.Dense(128, activation="relu")(x)  # expect: KG503
x = layers.Dropout(0.3)(x)
predictions = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs=base.input, outputs=predictions)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy")


def build_script_model():
    return model
