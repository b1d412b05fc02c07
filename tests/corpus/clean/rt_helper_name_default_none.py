"""MobileNet-style helper with name=None default and names built with % and str.format
from a block id; the stem is built with its own names."""

import keras
from keras import layers


def conv_bn(x, filters, kernel=3, strides=1, name=None):
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=name)(x)
    bn_name = None if name is None else name + "_bn"
    return layers.ReLU(6.0)(layers.BatchNormalization(name=bn_name)(x))


def depthwise_block(x, filters, block_id, strides=1):
    x = layers.DepthwiseConv2D(3, strides=strides, padding="same", name="conv_dw_%d" % block_id)(x)
    x = layers.BatchNormalization(name="conv_dw_{}_bn".format(block_id))(x)
    x = layers.ReLU(6.0)(x)
    return conv_bn(x, filters, kernel=1, name="conv_pw_%d" % block_id)


def build_mobilenet_lite():
    inputs = keras.Input(shape=(32, 32, 3))
    x = conv_bn(inputs, 16, strides=2)
    x = conv_bn(x, 16)
    for block_id, (filters, strides) in enumerate([(32, 1), (64, 2), (64, 1)], start=1):
        x = depthwise_block(x, filters, block_id, strides)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(10, name="predictions")(x))
