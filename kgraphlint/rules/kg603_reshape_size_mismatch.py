"""KG603 reshape-size-mismatch: a Reshape whose target cannot hold the input's values."""

from __future__ import annotations

import re
import math
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, shape_nodes
from kgraphlint.rules._shapes import layer_text, made_by, tensor_ref
from kgraphlint.rules.base import Rule
from kgraphlint.static.shapes import canonical_class, reshape_problem


class ReshapeSizeMismatch(Rule):
    """
    ## What it does
    Reports a `layers.Reshape(target_shape)` whose target holds a different
    number of values per sample than its input, when both are pinned down
    (a `-1` in the target is resolved the way Keras does it).

    ## Why is this bad?
    Keras raises `The total size of the tensor must be unchanged` when the
    model is built.  It usually means the shape was computed for another input
    size (the image size changed, a pooling was added) or the product was
    miscounted (`Reshape((7, 7, 64))` after a `Dense(7 * 7 * 128)`).

    ## Example
    ```python
    latent = keras.Input(shape=(100,))
    x = layers.Dense(7 * 7 * 128)(latent)
    x = layers.Reshape((7, 7, 64))(x)   # 6272 values per sample into 3136
    ```

    ## Use instead
    ```python
    latent = keras.Input(shape=(100,))
    x = layers.Dense(7 * 7 * 128)(latent)
    x = layers.Reshape((7, 7, 128))(x)
    ```
    """

    code = "KG603"
    name = "reshape-size-mismatch"
    severity = "error"
    engines = "ST"
    summary = "A Reshape whose target size differs from its input's size per sample (Keras raises)."
    # What Keras raises while the Reshape is called.
    raised_patterns = (
        re.compile(r"[Tt]he total size of the tensor must be unchanged"),
        re.compile(r"total size of new array must be unchanged"),
    )
    raised_at_layer = True
    raised_wording = (
        "A Reshape target does not hold the input's number of values",
        "choose a target whose sizes multiply to the input's size per sample, or use one `-1`.",
    )

    VALID = (
        """\
import keras
from keras import layers

latent = keras.Input(shape=(100,))
x = layers.Dense(7 * 7 * 128)(latent)
x = layers.Reshape((7, 7, 128))(x)
y = layers.Reshape((-1, 64))(x)
model = keras.Model(latent, y)
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

latent = keras.Input(shape=(100,))
x = layers.Dense(7 * 7 * 128)(latent)
x = layers.Reshape((7, 7, 64))(x)  # expect
""",
        """\
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(28, 28)),
    layers.Reshape((-1, 3)),  # expect
])
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        seen: set[tuple[str, int, int]] = set()
        for node in shape_nodes(facts):
            layer = node.layer
            if (
                canonical_class(layer.class_name) != "Reshape"
                or layer.library_made
                or node.called_at is None
                or len(node.inputs) != 1
            ):
                continue
            tensor = node.inputs[0]
            problem = reshape_problem(layer.config, tensor.shape)
            if problem is None:
                continue
            key = node.called_at.key()
            if key in seen:
                continue
            seen.add(key)
            size, target = problem
            target_text = "(" + ", ".join(str(d) for d in target) + (",)" if len(target) == 1 else ")")
            if -1 in target:
                known = math.prod(d for d in target if d != -1)
                counted = f"{size} values per sample are not a multiple of {known}"
            else:
                counted = f"{size} values per sample into {math.prod(target)}"
            message = (
                f"{layer_text(layer)} reshapes {tensor_ref(tensor)} to {target_text}: {counted}. "
                f"Keras raises when the model is built."
            )
            hint = (
                f"choose a target whose sizes multiply to {size} (or use one `-1` for the axis to infer), "
                f"or fix the layer that made the input shape."
            )
            related = [r for r in (made_by(tensor),) if r is not None]
            yield self.finding(node.called_at, message, hint, engine=facts.engine, related=related)
