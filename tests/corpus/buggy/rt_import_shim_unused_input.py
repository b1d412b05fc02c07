"""Library code that supports both tf.keras and standalone Keras through an import shim;
the model declares a `weights` Input that the author meant for a weighted pooling."""

try:
    from tensorflow import keras
    from tensorflow.keras import layers
except ImportError:  # pragma: no cover - standalone Keras
    import keras
    from keras import layers


def build_pooling_model(steps=10, dim=8):
    seq = keras.Input(shape=(steps, dim), name="sequence")
    weights = keras.Input(shape=(steps,), name="weights")
    x = layers.Conv1D(16, 3, padding="same", activation="relu")(seq)
    x = layers.GlobalAveragePooling1D()(x)
    out = layers.Dense(1)(x)
    return keras.Model([seq, weights], out)  # expect: KG102
