"""Click-through model: the `context` Input is listed, but the author forgot to merge it."""

import numpy as np
from keras import layers as L
from keras import Model, Input


def build_ctr_model(n_user=100, n_ad=200, n_context=8):
    user = Input(shape=(1,), name="user")
    ad = Input(shape=(1,), name="ad")
    context = Input(shape=(n_context,), name="context")
    u = L.Flatten()(L.Embedding(n_user, 16)(user))
    a = L.Flatten()(L.Embedding(n_ad, 16)(ad))
    x = L.Concatenate()([u, a])
    x = L.Dense(32, activation="relu")(x)
    click = L.Dense(1, activation="sigmoid")(x)
    model = Model(inputs=[user, ad, context], outputs=click)  # expect: KG102
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


if __name__ == "__main__":
    m = build_ctr_model()
    m.fit([np.random.randint(0, 100, (8, 1)), np.random.randint(0, 200, (8, 1)), np.random.rand(8, 8)], np.random.randint(0, 2, (8, 1)))
