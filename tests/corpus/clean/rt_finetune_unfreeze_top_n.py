"""Transfer learning in two phases (Keras guide style): frozen base with base(x,
training=False), then unfreeze the top N layers except BatchNorm and recompile."""

import keras
from keras import layers
from keras.applications import mobilenet_v2

IMG = (96, 96, 3)


def build_finetuned(unfreeze_top=20):
    base_model = keras.applications.MobileNetV2(
        input_shape=IMG, include_top=False, weights=None, alpha=0.35
    )
    base_model.trainable = False
    inputs = keras.Input(shape=IMG)
    x = mobilenet_v2.preprocess_input(inputs)
    x = base_model(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))

    base_model.trainable = True
    for layer in base_model.layers[:-unfreeze_top]:
        layer.trainable = False
    for layer in base_model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return model
