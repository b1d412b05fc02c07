"""KG202 tensor-as-layer: a tensor used where a layer belongs."""

from __future__ import annotations

import re
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Misuse
from kgraphlint.rules.base import Rule
from kgraphlint.rules._wording import plain, quoted, used_as
from kgraphlint.rules._events import events_of, origin_related


class TensorAsLayer(Rule):
    """
    ## What it does
    Reports a tensor used where a layer belongs: the result of a layer call
    that is called again (`x(...)`), given to `Sequential.add()` or
    `Sequential([...])`, or wrapped by `TimeDistributed` / `Bidirectional`.

    ## Why is this bad?
    A tensor is a value, not a function: Keras raises at run time (e.g.
    "'KerasTensor' object is not callable" or "Only instances of
    `keras.Layer` can be added to a Sequential model"), usually far from the
    line where the layer call was written twice or the layer was confused
    with its output.

    ## Example
    ```python
    x = layers.Dense(16)(inputs)
    y = x(inputs)  # `x` is a tensor
    ```

    ## Use instead
    ```python
    dense = layers.Dense(16)
    x = dense(inputs)
    y = layers.Dense(16)(x)
    ```
    """

    code = "KG202"
    name = "tensor-as-layer"
    severity = "error"
    engines = "ST"
    summary = "A tensor used where a layer belongs (called, added to Sequential, wrapped)."
    # What Keras raises when a tensor is called, added to a Sequential or wrapped.
    raised_patterns = (
        re.compile(r"'KerasTensor' object is not callable"),
        re.compile(r"Only instances of `keras.Layer` can be added to a Sequential model\. Received: <KerasTensor"),
        re.compile(r"with a `keras\.layers\.Layer` instance\. Received: <KerasTensor"),
    )
    raised_wording = (
        "A tensor is used where a layer belongs",
        "call layers on tensors, never tensors on tensors; give `Sequential`, `add()` and wrappers "
        "the layer object itself.",
    )

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
dense = layers.Dense(16)
x = dense(inputs)
y = layers.Dense(1)(x)
model = keras.Model(inputs, y)
seq = keras.Sequential()
seq.add(layers.Dense(4))
""",
        # A model called on a tensor is a layer call, not a tensor call.
        """\
import keras
from keras import layers

def build():
    inner_in = keras.Input(shape=(8,))
    encoder = keras.Model(inner_in, layers.Dense(4)(inner_in))
    image = keras.Input(shape=(8,))
    code = encoder(image)
    return keras.Model(image, layers.Dense(1)(code))
""",
        # ``ops.function.Function(inputs, outputs)`` builds a callable graph.
        """\
import numpy as np
import keras
from keras.src.ops import function

x = keras.Input(batch_shape=(None, 3))
y = x * 2 + 1
fn = function.Function(x, y)
result = fn(np.ones((2, 3)))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
x = layers.Dense(16)(inputs)
y = x(inputs)  # expect
""",
        # A layer call result added to a Sequential model.
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
model = keras.Sequential()
model.add(layers.Dense(8)(inputs))  # expect
""",
        # A tensor wrapped by TimeDistributed.
        """\
import keras
from keras import layers

def build():
    seq = keras.Input(shape=(10, 4))
    x = layers.TimeDistributed(layers.Dense(8)(seq))  # expect
    return x
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for event in events_of(facts, Misuse.TENSOR_AS_LAYER):
            what = quoted(event.what)
            role = event.role.lower()
            if "sequential" in role or "add" in role:
                hint = (
                    "give `Sequential` the layer itself (`model.add(layers.Dense(8))`), not "
                    "the result of calling it on a tensor."
                )
            elif "bidirectional" in role:
                hint = (
                    "wrap the layer, then call the wrapper on the tensor: "
                    "`layers.Bidirectional(layers.LSTM(16))(x)`."
                )
            elif "timedistributed" in role or "wrap" in role:
                hint = (
                    "wrap the layer, then call the wrapper on the tensor: "
                    "`layers.TimeDistributed(layers.Dense(8))(x)`."
                )
            else:
                name = plain(event.what)
                name = name if name.replace(".", "_").isidentifier() else "x"
                hint = (
                    f"create the layer first and call it on the tensor, e.g. "
                    f"`layers.Dense(10)({name})`, not `{name}(...)`."
                )
            kind = "a tensor" if event.value_kind in ("tensor", "") else f"a {event.value_kind}"
            message = f"{what} is {kind} (the result of a layer call), not a layer, but it is {used_as(event.role)}."
            if event.detail:
                message = message[:-1] + f" ({event.detail})."
            yield self.finding(
                event.site,
                message,
                hint,
                engine=facts.engine,
                related=origin_related(event),
            )
