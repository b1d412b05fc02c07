"""ViT-style classifier whose head MLP is computed in a loop but the logits are put on
`representation` instead of `features`: the head chain is dead."""

import keras
from keras import layers

num_classes = 10
num_patches = 16
projection_dim = 16
num_heads = 2
transformer_layers = 2
mlp_head_units = [32, 16]


def build_classifier():
    inputs = keras.Input(shape=(num_patches, 48))
    encoded_patches = layers.Dense(projection_dim)(inputs)
    for _ in range(transformer_layers):
        x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
        attention_output = layers.MultiHeadAttention(num_heads=num_heads, key_dim=projection_dim)(x1, x1)
        x2 = layers.Add()([attention_output, encoded_patches])
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        x3 = layers.Dense(projection_dim, activation="gelu")(x3)
        encoded_patches = layers.Add()([x3, x2])

    representation = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
    representation = layers.Flatten()(representation)
    representation = layers.Dropout(0.5)(representation)
    features = representation
    for units in mlp_head_units:
        features = layers.Dense(units, activation="gelu")(features)
        features = layers.Dropout(0.5)(features)  # expect: KG103
    logits = layers.Dense(num_classes)(representation)
    return keras.Model(inputs=inputs, outputs=logits)
