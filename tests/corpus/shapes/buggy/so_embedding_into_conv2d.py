"""Text CNN that uses Conv2D on the (None, 100, 64) embedding output; the
embedding has no channel axis."""
import keras
from keras import layers


def build_model():
    tokens = keras.Input(shape=(100,))
    x = layers.Embedding(20000, 64)(tokens)
    x = layers.Conv2D(128, (5, 64), activation="relu")(x)  # expect: KG601
    x = layers.GlobalMaxPooling2D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(tokens, outputs)
