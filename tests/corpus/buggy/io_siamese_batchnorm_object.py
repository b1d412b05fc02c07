"""Siamese contrastive script where the BatchNormalization after the Lambda distance is
created but never applied, and the layer object itself is fed to the Dense head."""

import keras
from keras import layers, ops


def euclidean_distance(vects):
    x, y = vects
    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))


def build_siamese():
    input = layers.Input((16,))
    x = layers.Dense(10, activation="tanh")(input)
    embedding_network = keras.Model(input, x)

    input_1 = layers.Input((16,))
    input_2 = layers.Input((16,))
    tower_1 = embedding_network(input_1)
    tower_2 = embedding_network(input_2)
    merge_layer = layers.Lambda(euclidean_distance, output_shape=(1,))([tower_1, tower_2])
    normal_layer = layers.BatchNormalization()
    output_layer = layers.Dense(1, activation="sigmoid")(normal_layer)  # expect: KG201
    return keras.Model(inputs=[input_1, input_2], outputs=output_layer), merge_layer
