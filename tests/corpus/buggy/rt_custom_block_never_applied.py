"""Custom Layer subclass created in the builder and then skipped: the pooling is applied
to the embeddings directly, so the transformer block is never called."""

import keras
from keras import layers


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads, self.ff_dim = embed_dim, num_heads, ff_dim

    def build(self, input_shape):
        embed_dim, num_heads, ff_dim = self.embed_dim, self.num_heads, self.ff_dim
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.norm1 = layers.LayerNormalization()
        self.norm2 = layers.LayerNormalization()

    def call(self, x):
        x = self.norm1(x + self.att(x, x))
        return self.norm2(x + self.ffn(x))


def build_classifier(maxlen=20, vocab=200, dim=16):
    inputs = layers.Input(shape=(maxlen,))
    x = layers.Embedding(vocab, dim)(inputs)
    transformer_block = TransformerBlock(dim, 2, 32)  # expect: KG203
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)
