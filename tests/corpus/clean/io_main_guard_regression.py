"""TensorFlow 'Basic regression' tutorial as a script with `if __name__ == "__main__":`:
a Normalization layer adapted on the features and passed as the first element of
Sequential; build_and_compile_model(norm) needs an argument."""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

LEARNING_RATE = 0.001
N_FEATURES = 9


def build_and_compile_model(norm):
    model = keras.Sequential([
        norm,
        layers.Dense(64, activation='relu'),
        layers.Dense(64, activation='relu'),
        layers.Dense(1)
    ])

    model.compile(loss='mean_absolute_error',
                  optimizer=tf.keras.optimizers.Adam(LEARNING_RATE))
    return model


def build_horsepower_model():
    horsepower = np.random.rand(32, 1).astype("float32")
    horsepower_normalizer = layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    return build_and_compile_model(horsepower_normalizer)


def main():
    train_features = np.random.rand(64, N_FEATURES).astype("float32")
    train_labels = np.random.rand(64).astype("float32")
    normalizer = tf.keras.layers.Normalization(axis=-1)
    normalizer.adapt(np.array(train_features))
    dnn_model = build_and_compile_model(normalizer)
    dnn_model.summary()
    history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0,
                            epochs=2)
    dnn_model.save('dnn_model.keras')
    return history


if __name__ == "__main__":
    main()
