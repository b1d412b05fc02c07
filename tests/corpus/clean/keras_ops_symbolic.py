"""keras.ops applied to symbolic tensors inside a functional model (valid in Keras 3)."""

import numpy as np
import keras
from keras import ops, layers


def build_attention_pooling(timesteps=20, features=16):
    seq = keras.Input(shape=(timesteps, features), name="sequence")
    mask = keras.Input(shape=(timesteps,), name="mask")
    scores = layers.Dense(1)(seq)
    scores = ops.squeeze(scores, axis=-1)
    scores = ops.where(mask > 0, scores, -1e9 * ops.ones_like(scores))
    weights = ops.softmax(scores, axis=-1)
    pooled = ops.sum(seq * ops.expand_dims(weights, -1), axis=1)
    normed = pooled / (ops.norm(pooled, axis=-1, keepdims=True) + 1e-6)
    out = layers.Dense(1, activation="sigmoid")(normed)
    model = keras.Model({"sequence": seq, "mask": mask}, out)
    model.compile("adam", "binary_crossentropy")
    return model


if __name__ == "__main__":
    m = build_attention_pooling()
    x = {"sequence": np.random.rand(8, 20, 16), "mask": np.ones((8, 20))}
    m.fit(x, np.random.randint(0, 2, (8, 1)), epochs=1)
