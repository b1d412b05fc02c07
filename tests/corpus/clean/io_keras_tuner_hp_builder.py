"""KerasTuner tutorial style `def build_model(hp):` with hp.Int / hp.Choice / hp.Boolean
and a loop over hp.Int("num_layers"); a tiny stand-in for HyperParameters when
keras_tuner is not installed; the default-hp model is built by build_default_model()."""

import keras
from keras import layers

try:
    import keras_tuner
    HyperParameters = keras_tuner.HyperParameters
except ImportError:  # offline fallback: every hyper-parameter takes its default
    class HyperParameters:
        def Int(self, name, min_value, max_value, step=1, default=None):
            return default if default is not None else min_value

        def Choice(self, name, values, default=None):
            return default if default is not None else values[0]

        def Boolean(self, name, default=False):
            return default

        def Float(self, name, min_value, max_value, sampling=None, default=None):
            return default if default is not None else min_value


def build_model(hp):
    model = keras.Sequential()
    model.add(layers.Input(shape=(28, 28)))
    model.add(layers.Flatten())
    # Tune the number of layers.
    for i in range(hp.Int("num_layers", 1, 3, default=2)):
        model.add(
            layers.Dense(
                # Tune number of units separately.
                units=hp.Int(f"units_{i}", min_value=32, max_value=512, step=32),
                activation=hp.Choice("activation", ["relu", "tanh"]),
            )
        )
    if hp.Boolean("dropout"):
        model.add(layers.Dropout(rate=0.25))
    model.add(layers.Dense(10, activation="softmax"))
    learning_rate = hp.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def build_default_model():
    return build_model(HyperParameters())
