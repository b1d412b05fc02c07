"""Video tagger: the per-frame Dense is called before being given to TimeDistributed."""

import keras
from keras import layers


def build_video_tagger(frames=6, feat=32, tags=5):
    clip = keras.Input(shape=(frames, feat))
    x = layers.LSTM(32, return_sequences=True)(clip)
    per_frame = layers.TimeDistributed(layers.Dense(tags, activation="sigmoid")(x))(x)  # expect: KG202
    return keras.Model(clip, per_frame)
