"""Optional layer with a fallback chosen by try/except and by hasattr(): whichever layer
exists is created and then called."""

import keras
from keras import layers


def build_with_fallback():
    inputs = keras.Input(shape=(10, 16))
    try:
        norm = layers.GroupNormalization(groups=4)
    except AttributeError:
        norm = layers.LayerNormalization()
    x = norm(inputs)
    if hasattr(layers, "UnitNormalization"):
        unit = layers.UnitNormalization()
    else:
        unit = layers.Lambda(lambda t: t)
    x = unit(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(1)(x))
