"""Generators of realistic machine-written Keras code, for the scaling benchmark.

Exported or code-generated Keras models (model converters, NAS tools, Keras
``model.to_json`` -> code exporters, notebook cells pasted together) look like
one long module: a few imports, helper functions for repeated blocks, then
thousands of layer creations and calls chained through a handful of names.
``keras_module(lines)`` writes such a module of about ``lines`` lines, the same
shape whatever the size, so a 20k-line file is ten 2k-line files' worth of the
same kind of code and its cost should be ten times, not a hundred.
"""

from __future__ import annotations

HEADER = '''\
"""Model exported by a code generator. Do not edit."""
import keras
from keras import layers


def conv_bn_relu(x, filters, kernel_size=3, strides=1, name=None):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False, name=name + "_conv")(x)
    x = layers.BatchNormalization(name=name + "_bn")(x)
    return layers.Activation("relu", name=name + "_relu")(x)


def residual(x, filters, name):
    shortcut = x
    y = conv_bn_relu(x, filters, name=name + "_a")
    y = conv_bn_relu(y, filters, name=name + "_b")
    if shortcut.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, padding="same", name=name + "_proj")(shortcut)
    return layers.Add(name=name + "_add")([shortcut, y])


def build_model(num_classes=10):
    inputs = keras.Input(shape=(64, 64, 3), name="image")
    x = conv_bn_relu(inputs, 16, name="stem")
'''

# One repeated unit of the model body (11 lines): inline layer calls, a helper
# call, a branch joined by concatenate, a comment like exporters write.
BLOCK = '''\
    # block {i}
    x = layers.Conv2D({f}, 3, padding="same", name="b{i}_conv1")(x)
    x = layers.BatchNormalization(name="b{i}_bn1")(x)
    x = layers.ReLU(name="b{i}_relu1")(x)
    branch_{m} = layers.DepthwiseConv2D(3, padding="same", name="b{i}_dw")(x)
    branch_{m} = layers.Conv2D({f}, 1, name="b{i}_pw")(branch_{m})
    x = layers.Concatenate(name="b{i}_cat")([x, branch_{m}])
    x = layers.Conv2D({f}, 1, name="b{i}_fuse")(x)
    x = residual(x, {f}, name="b{i}_res")
    x = layers.Dropout(0.1, name="b{i}_drop")(x)
    skip_{m} = x
'''

FOOTER = '''\
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="logits")(x)
    model = keras.Model(inputs, outputs, name="generated")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


model = build_model()
'''


def keras_module(lines: int, top_level: bool = False) -> str:
    """A generated Keras module of about ``lines`` lines (at least one block).

    ``top_level``: the model is built by module-level statements (a notebook
    exported as a script) instead of inside ``build_model()``.
    """
    header, block, footer = HEADER, BLOCK, FOOTER
    if top_level:
        header = header.replace("def build_model(num_classes=10):\n", "num_classes = 10\n")
        block, footer = _dedent(block), _dedent(footer.replace("    return model\n", "")).replace(
            "model = build_model()\n", ""
        )
        header = header.replace("\n    inputs =", "\ninputs =").replace("\n    x = conv_bn_relu(inputs", "\nx = conv_bn_relu(inputs")
    body_lines = max(lines - header.count("\n") - footer.count("\n"), 11)
    blocks = max(1, body_lines // block.count("\n"))
    parts = [header]
    for i in range(blocks):
        parts.append(block.format(i=i, f=16 * (1 + i % 4), m=i % 8))
    parts.append(footer)
    return "".join(parts)


def _dedent(text: str) -> str:
    return "".join(line[4:] if line.startswith("    ") else line for line in text.splitlines(keepends=True))


def keras_module_of_bytes(size: int) -> str:
    """A generated module of about ``size`` bytes (the same shape)."""
    per_line = len(keras_module(1000).encode()) / 1000
    return keras_module(int(size / per_line))


def small_file(i: int) -> str:
    """One small, realistic training script (the many-files case)."""
    return f'''\
import keras

image = keras.Input((32, 32, 3), name="image_{i}")
x = keras.layers.Conv2D(8, 3, activation="relu")(image)
x = keras.layers.GlobalAveragePooling2D()(x)
out = keras.layers.Dense(10, activation="softmax")(x)
model = keras.Model(image, out)
model.compile("adam", "sparse_categorical_crossentropy")
'''
