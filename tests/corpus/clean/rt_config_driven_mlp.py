"""Config-driven tabular MLP: depth, widths, dropout and heads come from a dict."""

import keras
from keras import layers

CONFIG = {
    "n_features": 16,
    "hidden": [128, 64, 32],
    "dropout": [0.3, 0.2, 0.0],
    "heads": {"churn": 1, "segment": 4},
}


def build_from_config(cfg=CONFIG):
    inputs = keras.Input(shape=(cfg["n_features"],), name="features")
    x = inputs
    for i, (units, rate) in enumerate(zip(cfg["hidden"], cfg["dropout"])):
        x = layers.Dense(units, name=f"hidden_{i}")(x)
        x = layers.BatchNormalization(name=f"bn_{i}")(x)
        x = layers.Activation("relu")(x)
        if rate > 0:
            x = layers.Dropout(rate)(x)
    outputs = {}
    for head, units in cfg["heads"].items():
        activation = "sigmoid" if units == 1 else "softmax"
        outputs[head] = layers.Dense(units, activation=activation, name=head)(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer="adam",
        loss={"churn": "binary_crossentropy", "segment": "sparse_categorical_crossentropy"},
    )
    return model
