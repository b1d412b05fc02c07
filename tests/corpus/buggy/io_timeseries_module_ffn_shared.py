"""Timeseries transformer script where the feed-forward Sequential is a module-level
constant used by the encoder helper, so every encoder block reuses the same weights."""

import keras
from keras import layers

input_shape = (24, 4)
head_size = 8
num_heads = 2
ff_dim = 8
num_transformer_blocks = 2

feed_forward = keras.Sequential(
    [layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu"), layers.Conv1D(filters=4, kernel_size=1)],
    name="feed_forward",
)


def transformer_encoder(inputs):
    x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads)(inputs, inputs)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    res = x + inputs
    x = feed_forward(res)  # expect: KG301
    return x + res


def build_model():
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for _ in range(num_transformer_blocks):
        x = transformer_encoder(x)
    x = layers.GlobalAveragePooling1D(data_format="channels_last")(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs, outputs)
