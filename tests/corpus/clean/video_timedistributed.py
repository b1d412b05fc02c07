"""Video clip classifier: a per-frame CNN wrapped in TimeDistributed, then a Bidirectional GRU."""

import numpy as np
import tensorflow as tf

FRAMES, H, W, C = 8, 32, 32, 3


def frame_cnn():
    return tf.keras.Sequential(
        [
            tf.keras.layers.Input(shape=(H, W, C)),
            tf.keras.layers.Conv2D(16, 3, activation="relu"),
            tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Conv2D(32, 3, activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
        ],
        name="frame_cnn",
    )


def build_video_classifier(num_classes=5):
    clip = tf.keras.Input(shape=(FRAMES, H, W, C), name="clip")
    per_frame = tf.keras.layers.TimeDistributed(frame_cnn())(clip)
    seq = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(32, return_sequences=True))(per_frame)
    seq = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(16))(seq)
    probs = tf.keras.layers.Dense(num_classes, activation="softmax")(seq)
    model = tf.keras.Model(clip, probs)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    model = build_video_classifier()
    model.fit(np.random.rand(4, FRAMES, H, W, C), np.random.randint(0, 5, 4), epochs=1)
