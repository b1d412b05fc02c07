"""Two-tower retrieval model: user and item towers, a shared category embedding."""

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

N_USERS = 500
N_ITEMS = 800
N_CATEGORIES = 30

CONFIG = {
    "embedding_dim": 32,
    "tower_units": [64, 32],
    "dropout": 0.1,
}


def tower(x, units, dropout, prefix):
    for i, u in enumerate(units):
        x = layers.Dense(u, activation="relu", name=f"{prefix}_dense_{i}")(x)
        x = layers.Dropout(dropout, name=f"{prefix}_drop_{i}")(x)
    return x


def build_two_tower(config=CONFIG):
    user_id = keras.Input(shape=(1,), name="user_id")
    user_cat = keras.Input(shape=(1,), name="user_favourite_category")
    item_id = keras.Input(shape=(1,), name="item_id")
    item_cat = keras.Input(shape=(1,), name="item_category")

    dim = config["embedding_dim"]
    category_embedding = layers.Embedding(N_CATEGORIES, dim, name="category_embedding")

    u = layers.Concatenate()([
        layers.Flatten()(layers.Embedding(N_USERS, dim)(user_id)),
        layers.Flatten()(category_embedding(user_cat)),
    ])
    i = layers.Concatenate()([
        layers.Flatten()(layers.Embedding(N_ITEMS, dim)(item_id)),
        layers.Flatten()(category_embedding(item_cat)),
    ])
    u = tower(u, config["tower_units"], config["dropout"], "user")
    i = tower(i, config["tower_units"], config["dropout"], "item")

    score = layers.Dot(axes=1, normalize=True)([u, i])
    model = keras.Model(inputs=[user_id, user_cat, item_id, item_cat], outputs=score)
    model.compile(optimizer="adam", loss="mse")
    return model


def main():
    model = build_two_tower()
    n = 64
    data = [np.random.randint(0, k, (n, 1)) for k in (N_USERS, N_CATEGORIES, N_ITEMS, N_CATEGORIES)]
    model.fit(data, np.random.rand(n, 1), epochs=1)


if __name__ == "__main__":
    main()
