"""KG203 uncalled-layer: a layer created and then never used."""

from __future__ import annotations

from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts
from kgraphlint.rules.base import Rule


class UncalledLayer(Rule):
    """
    ## What it does
    Reports a layer that is created and then never called, added, wrapped,
    stored, passed or returned anywhere: the `(x)` that applies it was
    forgotten.

    ## Why is this bad?
    Keras does not complain: the layer simply is not part of the model.  A
    forgotten `Dropout(0.5)` or `BatchNormalization()` silently changes what
    is trained, and nothing in the model summary points back at the line.

    ## Example
    ```python
    x = layers.Dense(64, activation="relu")(inputs)
    dropout = layers.Dropout(0.5)  # never called
    outputs = layers.Dense(1)(x)
    ```

    ## Use instead
    ```python
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1)(x)
    ```
    """

    code = "KG203"
    name = "uncalled-layer"
    severity = "warning"
    engines = "ST"
    summary = "A layer created and then never called, added, wrapped, stored or passed anywhere."

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
dropout = layers.Dropout(0.5)
x = dropout(layers.Dense(64)(inputs))
model = keras.Model(inputs, layers.Dense(1)(x))
""",
        # Layers stored in a list, passed to Sequential, wrapped or returned.
        """\
import keras
from keras import layers

def make_head():
    return layers.Dense(1, activation="sigmoid")

def build():
    inputs = keras.Input(shape=(16,))
    blocks = [layers.Dense(32, activation="relu") for _ in range(3)]
    x = inputs
    for block in blocks:
        x = block(x)
    steps = keras.Input(shape=(5, 4))
    lstm = layers.LSTM(16)
    seq_features = layers.Bidirectional(lstm)(steps)
    return keras.Model([inputs, steps], [make_head()(x), seq_features])

tower = keras.Sequential([layers.Dense(4), layers.Dense(2)])
seq = keras.Sequential()
seq.add(layers.Dense(8))
""",
        # A layer chosen by if/else and then called.
        """\
import keras
from keras import layers

def build(small):
    inputs = keras.Input(shape=(32,))
    if small:
        head = layers.Dense(8)
    else:
        head = layers.Dense(64)
    return keras.Model(inputs, head(inputs))
""",
        # Where no model is built, a layer configured or inspected through its
        # methods and attributes is worked with as an object (a test, a utility).
        """import numpy as np
from keras import layers

def test_dense_builds_two_weights():
    layer = layers.Dense(4)
    layer.build((None, 3))
    assert len(layer.weights) == 2

def vocabulary(texts):
    lookup = layers.StringLookup()
    lookup.adapt(texts)
    return lookup.get_vocabulary()

def planned_shape(size):
    conv = layers.Conv2D(16, 3, strides=2, padding="same")
    return conv.compute_output_shape((None, size, size, 3))
""",
        # A default list used by most callers; a function handed to ``ds.map``
        # runs there, before the name it reads is rebound.
        """import keras
import tensorflow as tf
from keras import layers

def get_model(kind="sequential", layer_list=None):
    layer_list = layer_list or [layers.Dense(10, activation="relu"), layers.Dense(1)]
    if kind == "sequential":
        return keras.Sequential(layer_list)
    inputs = keras.Input(shape=(4, 10))
    return keras.Model(inputs, layers.LSTM(1)(inputs))

models = [get_model("sequential"), get_model("lstm")]

rescale = layers.Rescaling(1.0 / 255)

def prep(image, label):
    return rescale(image), label

train_ds = tf.data.Dataset.from_tensor_slices((tf.zeros((8, 4, 4, 3)), tf.zeros((8,)))).map(prep)
rescale = layers.Rescaling(1.0 / 127.5, offset=-1)
inputs = keras.Input(shape=(4, 4, 3))
model = keras.Model(inputs, layers.Flatten()(rescale(inputs)))
""",
        # Layers called by a closure the builder defines and returns.
        """\
import keras
from keras import layers

def mixer_block(dim):
    norm = layers.LayerNormalization()
    ff = layers.Dense(dim)

    def block(x):
        return layers.Add()([x, ff(norm(x))])

    return block

def build(depth=2, dim=16):
    inputs = keras.Input(shape=(8, dim))
    x = inputs
    for _ in range(depth):
        x = mixer_block(dim)(x)
    return keras.Model(inputs, x)
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
dropout = layers.Dropout(0.5)  # expect
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
""",
        """\
import keras
from keras import layers

def build():
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(64)(inputs)
    layers.BatchNormalization()  # expect
    x = layers.Activation("relu")(x)
    return keras.Model(inputs, layers.Dense(1)(x))
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        # One line may create many layers (a helper called from several
        # places, a loop): the line forgot its ``(x)`` only when none of them
        # is ever used (``layer_list or [Dense(..)]`` is used by most callers).
        used_sites = [layer.created_at for layer in facts.layers if layer.created_at is not None and layer.used is not False]
        used_ids = {id(site) for site in used_sites}
        # Only the static engine knows `used`; None (unknown) never fires.
        candidates = [
            layer
            for layer in facts.layers
            if layer.used is False and not layer.library_made and layer.model is None
            and layer.created_at is not None and id(layer.created_at) not in used_ids
        ]
        if not candidates:
            # The common case decided without positions: site.key() resolves
            # line and column, which costs a pass over the whole module.
            return
        seen: set[tuple[str, int, int]] = {site.key() for site in used_sites}
        for layer in candidates:
            site = layer.created_at
            assert site is not None  # candidates all have one
            if site.key() in seen:
                continue
            seen.add(site.key())
            if layer.label and layer.label.isidentifier():
                name, call = f"`{layer.label}`", f"`x = {layer.label}(x)`"
            else:
                shown = layer.label or f"{layer.class_name}(...)"
                name = f"The `{layer.class_name}` layer" if not layer.label else f"`{shown}`"
                call = f"`x = {shown}(x)`"
            yield self.finding(
                site,
                f"{name} is created here but never called: did you forget `(x)`?",
                f"call it on the tensor it should transform ({call}), "
                f"or delete it if it is not needed.",
                engine=facts.engine,
            )
