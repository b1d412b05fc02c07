"""KG201 layer-as-tensor: a layer object used where a tensor belongs."""

from __future__ import annotations

import re
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Misuse
from kgraphlint.rules._events import events_of, origin_related
from kgraphlint.rules._wording import plain, quoted, used_as
from kgraphlint.rules.base import Rule


class LayerAsTensor(Rule):
    """
    ## What it does
    Reports a layer object used where a tensor belongs: as a model input or
    output (`base.layers[-1]`, `model.get_layer("fc")` without `.output`), as
    the argument of a layer call, as an element of a merge list, or as the
    argument of a `keras.ops` function.  Includes an `InputLayer(...)` object
    used as if it were the tensor that `keras.Input(...)` returns.

    ## Why is this bad?
    A layer is a function, not a value: Keras raises at run time (e.g.
    "All `inputs` values must be KerasTensors" or "Only input tensors may be
    passed as positional arguments"), pointing into Keras rather than at the
    line where the layer was passed.

    ## Example
    ```python
    inputs = keras.Input(shape=(8,))
    hidden = layers.Dense(16)
    outputs = layers.Dense(1)(hidden)  # `hidden` is a layer
    ```

    ## Use instead
    ```python
    inputs = keras.Input(shape=(8,))
    hidden = layers.Dense(16)(inputs)
    outputs = layers.Dense(1)(hidden)
    ```
    """

    code = "KG201"
    name = "layer-as-tensor"
    severity = "error"
    engines = "ST"
    summary = "A layer object used where a tensor belongs (model input/output, layer-call argument, merge list)."
    # What Keras raises when a layer (or InputLayer, or model) is given as a tensor.
    raised_patterns = (
        re.compile(
            r"Only input tensors may be passed as positional arguments\. .*"
            r"\(of type <class 'keras\.src\.(layers|models)\.",
            re.S,
        ),
        re.compile(
            r"All `(inputs|outputs)` values must be KerasTensors\. .*"
            r"including invalid value .* of type <class 'keras\.src\.(layers|models)\.",
            re.S,
        ),
    )
    raised_wording = (
        "A layer object is used where a tensor belongs",
        "call the layer on a tensor (`x = layer(x)`) or use `layer.output`; create inputs with "
        "`keras.Input(...)`, not `InputLayer(...)`.",
    )

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
hidden = layers.Dense(16)(inputs)
outputs = layers.Dense(1)(hidden)
model = keras.Model(inputs, outputs)
""",
        # `.output` of a layer is a tensor; layers given to Sequential are layers.
        """\
import keras
from keras import layers

base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
features = base.get_layer("out_relu").output
pooled = layers.GlobalAveragePooling2D()(features)
model = keras.Model(base.input, layers.Dense(2)(pooled))
head = keras.Sequential([layers.Dense(8), layers.Dense(1)])
""",
        # A layer passed to a wrapper layer is fine.
        """\
import keras
from keras import layers

seq = keras.Input(shape=(10, 4))
x = layers.TimeDistributed(layers.Dense(8))(seq)
x = layers.Bidirectional(layers.LSTM(8))(x)
model = keras.Model(seq, x)
""",
        # Keras's graph machinery takes layers (operations) by design.
        """\
from keras.src import Layer
from keras.src.backend import KerasTensor
from keras.src.ops.node import Node

def test_node_records_its_operation():
    a = KerasTensor(shape=(2, 3))
    a_layer = Layer()
    node = Node(a_layer, outputs=a, call_args=(), call_kwargs={})
    assert node.operation is a_layer
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
hidden = layers.Dense(16)
outputs = layers.Dense(1)(hidden)  # expect
""",
        # The layer itself as the model output (the call was forgotten).
        """\
import keras
from keras import layers

def build():
    inputs = keras.Input(shape=(8,))
    x = layers.Dense(16, activation="relu")(inputs)
    head = layers.Dense(1)
    return keras.Model(inputs, head)  # expect
""",
        # An InputLayer object used as if it were keras.Input(...).
        """\
import keras
from keras import layers

inp = layers.InputLayer(shape=(8,))
out = layers.Dense(1)(inp)  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for event in events_of(facts, Misuse.LAYER_AS_TENSOR):
            what, name = quoted(event.what), plain(event.what)
            # The engines put the layer's class in `detail` when they know it.
            cls = event.detail.strip("`") if event.detail.strip("`").isidentifier() else ""
            role = event.role.lower()
            if event.value_kind == "input-layer" or cls == "InputLayer":
                kind = "an `InputLayer` object"
                hint = (
                    "create the Input with `keras.Input(shape=...)`, which returns a "
                    "tensor, instead of `InputLayer(...)`."
                )
            else:
                if cls and cls not in ("Layer", "Operation"):
                    kind = f"a `{cls}` layer"
                else:
                    kind = "a layer" if event.value_kind in ("layer", "") else f"a {event.value_kind}"
                if "model output" in role or "model input" in role:
                    hint = (
                        f"use the tensor the layer produced (`{name}.output`), or call the "
                        f"layer on a tensor (`{name}(x)`) and use the result."
                    )
                elif cls and cls not in ("Layer", "Operation"):
                    hint = (
                        f"apply the layer to a tensor and pass the result "
                        f"(`x = layers.{cls}(...)(x)`, not `x = layers.{cls}(...)`)."
                    )
                else:
                    hint = f"apply the layer to a tensor first (`y = {name}(x)`) and pass the result `y`."
            message = f"{what} is {kind}, not a tensor, but it is {used_as(event.role)}."
            if event.detail and not cls:
                message = message[:-1] + f" ({event.detail})."
            yield self.finding(
                event.site,
                message,
                hint,
                engine=facts.engine,
                related=origin_related(event),
            )
