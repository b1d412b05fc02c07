"""tf.* code kept legal in Keras 3: inside Lambda functions and inside a custom layer's
call(), plus tf.keras preprocessing, all applied to symbolic tensors through layers."""

import tensorflow as tf
from tensorflow import keras


class LogMelLike(keras.layers.Layer):
    def call(self, x):
        spec = tf.abs(tf.signal.rfft(x))
        return tf.math.log(spec + 1e-6)


def build_audio_model():
    wave = keras.Input(shape=(4, 64), name="wave")
    spec = LogMelLike()(wave)
    spec = keras.layers.Lambda(lambda t: tf.expand_dims(t, -1))(spec)
    spec = keras.layers.Lambda(lambda t: tf.image.resize(t, (8, 16)))(spec)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(spec)
    x = keras.layers.GlobalMaxPooling2D()(x)
    out = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model(wave, out)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model
