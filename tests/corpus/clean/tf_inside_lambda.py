"""TensorFlow ops wrapped in Lambda layers (where they are allowed: they run on real tensors)."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


def l2_normalize(t):
    return tf.math.l2_normalize(t, axis=-1)


def build_embedding_model(input_dim=32, emb_dim=16):
    inputs = keras.Input(shape=(input_dim,))
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = keras.layers.Dense(emb_dim)(x)
    x = keras.layers.Lambda(l2_normalize, name="l2norm")(x)
    clipped = keras.layers.Lambda(lambda t: tf.clip_by_value(t, -0.9, 0.9))(x)
    return keras.Model(inputs, clipped)


def build_log_spectrogram():
    wave = keras.Input(shape=(1024,))
    spec = keras.layers.Lambda(
        lambda w: tf.abs(tf.signal.stft(w, frame_length=128, frame_step=64)),
        output_shape=(15, 65),
    )(wave)
    log_spec = keras.layers.Lambda(lambda s: tf.math.log(s + 1e-6))(spec)
    x = keras.layers.Flatten()(log_spec)
    out = keras.layers.Dense(2, activation="softmax")(x)
    return keras.Model(wave, out)


if __name__ == "__main__":
    m = build_embedding_model()
    print(m.predict(np.random.rand(2, 32)))
