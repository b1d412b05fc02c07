"""KG204 backend-op-on-symbolic: a tf/np/torch function applied to a symbolic Keras tensor."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, KindEvent, Misuse
from kgraphlint.rules.base import Rule
from kgraphlint.rules._wording import quoted, used_as
from kgraphlint.rules._events import events_of, origin_related

# Backend functions whose keras.ops equivalent has another name.
_KERAS_OPS = {
    "concat": "concatenate",
    "reduce_mean": "mean",
    "reduce_sum": "sum",
    "reduce_max": "max",
    "reduce_min": "min",
    "reduce_prod": "prod",
    "reduce_any": "any",
    "reduce_all": "all",
    "cat": "concatenate",
    "multiply": "multiply",
    "matmul": "matmul",
    "expand_dims": "expand_dims",
    "squeeze": "squeeze",
    "reshape": "reshape",
    "transpose": "transpose",
    "stack": "stack",
    "sqrt": "sqrt",
    "exp": "exp",
    "log": "log",
    "abs": "abs",
    "square": "square",
    "sigmoid": "sigmoid",
    "softmax": "softmax",
    "relu": "relu",
    "tanh": "tanh",
    "sum": "sum",
    "mean": "mean",
    "max": "max",
    "min": "min",
    "concatenate": "concatenate",
    "clip": "clip",
    "clip_by_value": "clip",
    "maximum": "maximum",
    "minimum": "minimum",
    "cast": "cast",
    "shape": "shape",
    "split": "split",
    "tile": "tile",
    "argmax": "argmax",
    "one_hot": "one_hot",
    "where": "where",
}

_BACKEND_CALL = re.compile(r"\b((?:tf|tensorflow|np|numpy|torch|K)(?:\.\w+)+)")


def backend_function(event: KindEvent) -> Optional[str]:
    """The tf/np/torch function named by the event, e.g. ``tf.reduce_mean``."""
    for text in (event.detail, event.role, event.what):
        m = _BACKEND_CALL.search(text or "")
        if m:
            return m.group(1)
    return None


class BackendOpOnSymbolic(Rule):
    """
    ## What it does
    Reports a TensorFlow, NumPy or PyTorch function (`tf.*`, `np.*`,
    `torch.*`) applied to a symbolic Keras tensor while a functional model is
    being built.

    ## Why is this bad?
    In Keras 3, `keras.Input(...)` and layer outputs are symbolic
    `KerasTensor`s that backend functions do not understand: the call raises
    ("A KerasTensor cannot be used as input to a TensorFlow function") or, with
    NumPy, tries to convert the placeholder to an array.  Code written for
    `tf.keras` 2 that mixed `tf.*` calls into the graph breaks this way.

    ## Example
    ```python
    import tensorflow as tf
    x = layers.Dense(16)(inputs)
    pooled = tf.reduce_mean(x, axis=1)
    ```

    ## Use instead
    ```python
    x = layers.Dense(16)(inputs)
    pooled = keras.ops.mean(x, axis=1)  # or wrap the computation in a layer
    ```
    """

    code = "KG204"
    name = "backend-op-on-symbolic"
    severity = "error"
    engines = "ST"
    summary = "A tf/np/torch function applied to a symbolic Keras tensor while building a model."
    # What Keras raises when tf.* or np.* is applied to a KerasTensor.
    raised_patterns = (
        re.compile(r"A KerasTensor cannot be used as input to a TensorFlow function"),
        re.compile(r"A KerasTensor is symbolic: .*You cannot convert it to a NumPy array", re.S),
    )
    raised_wording = (
        "A TensorFlow/NumPy function is applied to a symbolic Keras tensor",
        "use the matching `keras.ops.*` function or a layer instead.",
    )

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(10, 8))
x = layers.Dense(16)(inputs)
pooled = keras.ops.mean(x, axis=1)
model = keras.Model(inputs, pooled)
""",
        # Backend functions inside a layer, or on real data, are fine.
        """\
import numpy as np
import tensorflow as tf
import keras
from keras import layers

data = np.random.rand(4, 10, 8).astype("float32")
scale = np.mean(data)
inputs = keras.Input(shape=(10, 8))
x = layers.Lambda(lambda t: tf.reduce_mean(t, axis=1))(inputs)
model = keras.Model(inputs, layers.Dense(1)(x))
constant = tf.constant([1.0, 2.0])
""",
        # Code that runs as Keras 2, where a TF op on a Keras tensor is
        # wrapped in a layer (TFOpLambda).
        """\
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"

import tensorflow as tf
from tensorflow import keras

inputs = keras.Input(shape=(28, 28))
x = tf.reshape(inputs, (-1, 784))
model = keras.Model(inputs, keras.layers.Dense(10)(x))
""",
        """\
import tensorflow as tf
import tf_keras as keras

inputs = keras.Input(shape=(8,))
scaled = tf.math.multiply(inputs, 2.0)
model = keras.Model(inputs, keras.layers.Dense(1)(scaled))
""",
    )

    INVALID = (
        """\
import tensorflow as tf
import keras
from keras import layers

inputs = keras.Input(shape=(10, 8))
x = layers.Dense(16)(inputs)
pooled = tf.reduce_mean(x, axis=1)  # expect
""",
        """\
import numpy as np
import keras
from keras import layers

def build():
    a = keras.Input(shape=(4,))
    b = keras.Input(shape=(4,))
    both = np.concatenate([layers.Dense(4)(a), b], axis=-1)  # expect
    return both
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for event in events_of(facts, Misuse.BACKEND_OP_ON_SYMBOLIC):
            function = backend_function(event)
            what = quoted(event.what)
            role = event.role
            if function and f"`{function}`" not in role:
                role = role.replace(function, f"`{function}`")
            message = (
                f"{what} is a symbolic Keras tensor, but it is {used_as(role)}: "
                f"backend functions cannot compute on it while the model is being built."
            )
            if function:
                op = _KERAS_OPS.get(function.rsplit(".", 1)[-1])
                replacement = f"`keras.ops.{op}`" if op else "the `keras.ops` equivalent"
                hint = (
                    f"use {replacement} instead of `{function}`, or wrap the computation "
                    f"in a layer (a `keras.layers.Layer` subclass or `layers.Lambda`)."
                )
            else:
                hint = (
                    "use the `keras.ops` equivalent, or wrap the computation in a layer "
                    "(a `keras.layers.Layer` subclass or `layers.Lambda`)."
                )
            yield self.finding(
                event.site,
                message,
                hint,
                engine=facts.engine,
                related=origin_related(event),
            )
