"""One multi-task model with a shared trunk (one compile), plus an inference-only
sub-model exposing the embedding (never compiled)."""

import numpy as np
import keras
from keras import layers


def build_multitask():
    image = keras.Input(shape=(48, 48, 1), name="face")
    x = layers.Conv2D(16, 3, activation="relu")(image)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    embedding = layers.GlobalAveragePooling2D(name="embedding")(x)
    age = layers.Dense(1, name="age")(embedding)
    gender = layers.Dense(1, activation="sigmoid", name="gender")(embedding)
    emotion = layers.Dense(7, activation="softmax", name="emotion")(embedding)
    model = keras.Model(image, [age, gender, emotion])
    model.compile(
        optimizer="adam",
        loss={"age": "mae", "gender": "binary_crossentropy", "emotion": "sparse_categorical_crossentropy"},
    )
    embedder = keras.Model(image, embedding, name="embedder")
    return model, embedder


if __name__ == "__main__":
    model, embedder = build_multitask()
    x = np.random.rand(8, 48, 48, 1)
    model.fit(x, {"age": np.random.rand(8, 1), "gender": np.random.randint(0, 2, (8, 1)), "emotion": np.random.randint(0, 7, 8)}, epochs=1)
    print(embedder.predict(x).shape)
