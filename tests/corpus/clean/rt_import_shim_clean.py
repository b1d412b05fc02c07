"""Version-agnostic model code behind a try/except import shim (tf.keras first, Keras 3
fallback); a correct two-input model."""

try:
    from tensorflow import keras
    from tensorflow.keras import layers
except ImportError:  # pragma: no cover
    import keras
    from keras import layers


def build_two_input():
    image = keras.Input(shape=(16, 16, 1), name="image")
    meta = keras.Input(shape=(4,), name="meta")
    x = layers.Conv2D(8, 3, activation="relu")(image)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Concatenate()([x, layers.Dense(4)(meta)])
    return keras.Model([image, meta], layers.Dense(1)(x))
