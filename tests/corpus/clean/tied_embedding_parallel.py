"""Query/document matching: one Embedding + Conv1D tower shared by query and document
(parallel paths), a tf.keras alias-style import."""

import numpy as np
import tensorflow as tf

kl = tf.keras.layers


def build_matcher(vocab=3000, qlen=12, dlen=80):
    query = kl.Input(shape=(qlen,), dtype="int32", name="query")
    doc = kl.Input(shape=(dlen,), dtype="int32", name="doc")
    shared = [kl.Embedding(vocab, 32), kl.Conv1D(32, 3, activation="relu"), kl.GlobalMaxPooling1D()]

    def encode(t):
        for layer in shared:
            t = layer(t)
        return t

    q = encode(query)
    d = encode(doc)
    sim = kl.Dot(axes=-1, normalize=True)([q, d])
    model = tf.keras.Model(inputs=[query, doc], outputs=sim)
    model.compile(optimizer="adam", loss="mse")
    return model


if __name__ == "__main__":
    m = build_matcher()
    m.fit([np.random.randint(0, 3000, (8, 12)), np.random.randint(0, 3000, (8, 80))], np.random.rand(8, 1), epochs=1)
