"""KG404 tensorshape-on-keras-tensor: `x.shape.as_list()` on a symbolic Keras 3 tensor."""

from __future__ import annotations

from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Misuse
from kgraphlint.rules._events import events_of, origin_related
from kgraphlint.rules._wording import quoted
from kgraphlint.rules.base import Rule

# What to write instead, by TensorShape attribute.
_INSTEAD = {
    "as_list": "list({x}.shape)",
    "ndims": "len({x}.shape)",
    "rank": "len({x}.shape)",
    "dims": "{x}.shape",
    "num_elements": "math.prod({x}.shape)",
    "is_fully_defined": "None not in {x}.shape",
}


class TensorshapeOnKerasTensor(Rule):
    """
    ## What it does
    Reports a `tf.TensorShape` method or attribute (`x.shape.as_list()`,
    `x.shape.ndims`, `x.shape.rank`, `x.shape.num_elements()`...) used on a
    symbolic Keras tensor while a model is built: the output of `keras.Input`
    or of a layer call, in the builder function or in a helper it calls.

    Not reported in code that runs as Keras 2 (it imports `tf_keras`, sets
    `TF_USE_LEGACY_KERAS=1` or pins TensorFlow below 2.16), where Keras
    tensors are TensorFlow tensors, nor inside a layer's own `call()`, which
    runs on backend tensors.

    ## Why is this bad?
    In Keras 2 a Keras tensor was a TensorFlow tensor and its `.shape` a
    `tf.TensorShape`. In Keras 3 `.shape` is a plain tuple of ints and `None`:
    `x.shape.as_list()` raises `AttributeError: 'tuple' object has no attribute
    'as_list'` while the model is built.

    ## Example
    ```python
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3)(inputs)
    h, w, c = x.shape.as_list()[1:]
    ```

    ## Use instead
    ```python
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3)(inputs)
    h, w, c = x.shape[1:]  # a tuple already: list(x.shape) if a list is needed
    ```
    """

    code = "KG404"
    name = "tensorshape-on-keras-tensor"
    severity = "error"
    engines = "S"
    summary = "A tf.TensorShape method (x.shape.as_list()) on a symbolic Keras 3 tensor, whose shape is a tuple."

    VALID = (
        "import keras\nfrom keras import layers\n\n"
        "inputs = keras.Input(shape=(32, 32, 3))\n"
        "x = layers.Conv2D(16, 3)(inputs)\n"
        "h, w, c = x.shape[1:]\n"
        "flat = layers.Reshape((h * w, c))(x)\n"
        "model = keras.Model(inputs, flat)\n",
        # A layer's call() runs on backend tensors; TF data is TF's.
        "import tensorflow as tf\nimport keras\n\n"
        "class Flatten2(keras.layers.Layer):\n"
        "    def call(self, x):\n"
        "        dims = x.shape.as_list()\n"
        "        return tf.reshape(x, (-1, dims[1] * dims[2]))\n\n"
        "t = tf.zeros((2, 3))\nn = t.shape.as_list()\n",
        # Keras 2 code.
        "import tf_keras as keras\n\n"
        "inputs = keras.Input(shape=(8,))\n"
        "x = keras.layers.Dense(4)(inputs)\n"
        "units = x.shape.as_list()[-1]\n"
        "model = keras.Model(inputs, keras.layers.Dense(units)(x))\n",
    )
    INVALID = (
        "import keras\nfrom keras import layers\n\n"
        "def squeeze_excite(x, ratio=8):\n"
        "    channels = x.shape.as_list()[-1]  # expect\n"
        "    s = layers.GlobalAveragePooling2D()(x)\n"
        "    s = layers.Dense(channels // ratio, activation='relu')(s)\n"
        "    s = layers.Dense(channels, activation='sigmoid')(s)\n"
        "    return layers.Multiply()([x, layers.Reshape((1, 1, channels))(s)])\n\n"
        "def build():\n"
        "    inputs = keras.Input(shape=(32, 32, 3))\n"
        "    x = layers.Conv2D(16, 3)(inputs)\n"
        "    x = squeeze_excite(x)\n"
        "    if x.shape.ndims == 4:  # expect\n"
        "        x = layers.GlobalAveragePooling2D()(x)\n"
        "    return keras.Model(inputs, layers.Dense(2)(x))\n",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for event in events_of(facts, Misuse.TENSORSHAPE_ON_KERAS_TENSOR):
            attribute = event.role.strip("`").rpartition(".")[2]
            x = event.what
            message = (
                f"{quoted(x)} is a symbolic Keras 3 tensor: its `.shape` is a tuple, which has no "
                f"`{attribute}` (Keras 2's `tf.TensorShape` had), so {event.role} raises AttributeError."
            )
            instead = _INSTEAD.get(attribute, "{x}.shape, a tuple").format(x=x)
            yield self.finding(
                event.site,
                message,
                f"use `{instead}`: a Keras 3 shape is a tuple of ints and `None`",
                related=origin_related(event),
            )
