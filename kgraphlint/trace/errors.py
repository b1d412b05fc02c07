"""Keras exceptions -> the rule that explains them.

The strings are Keras 3 (3.15) messages, found in ``keras/src`` and provoked
with real TensorFlow (tests/test_trace_errors.py pins each one).  Anything not
listed is KG901 (trace-failed).  Pure string matching: no keras import.
"""

from __future__ import annotations

import re
from typing import Optional

# Order matters: the first match wins.
_PATTERNS: tuple[tuple[str, "re.Pattern[str]"], ...] = (
    # ops/function.py: an output that cannot be computed from `inputs`.
    ("KG101", re.compile(r"Output with path `[^`]*` is not connected to `inputs`")),
    ("KG101", re.compile(r"Graph disconnected: cannot find parent for tensor")),
    # ops/function.py: two operations of one model with the same name.
    ("KG304", re.compile(r'The name "[^"]*" is used \d+ times in the model')),
    # tf.* (or np.*) applied to a KerasTensor.
    ("KG204", re.compile(r"A KerasTensor cannot be used as input to a TensorFlow function")),
    ("KG204", re.compile(r"A KerasTensor is symbolic: .*You cannot convert it to a NumPy array", re.S)),
    # A tensor where a layer belongs: called, added to a Sequential, wrapped.
    ("KG202", re.compile(r"'KerasTensor' object is not callable")),
    ("KG202", re.compile(r"Only instances of `keras.Layer` can be added to a Sequential model\. Received: <KerasTensor")),
    ("KG202", re.compile(r"with a `keras\.layers\.Layer` instance\. Received: <KerasTensor")),
    # A layer (or InputLayer, or model) where a tensor belongs.
    (
        "KG201",
        re.compile(
            r"Only input tensors may be passed as positional arguments\. .*"
            r"\(of type <class 'keras\.src\.(layers|models)\.",
            re.S,
        ),
    ),
    (
        "KG201",
        re.compile(
            r"All `(inputs|outputs)` values must be KerasTensors\. .*"
            r"including invalid value .* of type <class 'keras\.src\.(layers|models)\.",
            re.S,
        ),
    ),
)

# Shape errors (KG6xx): Keras raises them while a layer is called or a
# Sequential / keras.applications model is built.
_SHAPE_PATTERNS: tuple[tuple[str, "re.Pattern[str]"], ...] = (
    (
        "KG601",
        re.compile(
            r"Input \d+ (?:with name '[^']*' )?of layer ['\"][^'\"]+['\"] is incompatible with the layer: "
            r"expected (?:min_|max_)?ndim=\d+, found ndim=\d+"
        ),
    ),
    ("KG601", re.compile(r"Kernel shape must have the same length as input")),
    ("KG601", re.compile(r"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions")),
    ("KG602", re.compile(r"A `Concatenate` layer requires inputs with matching shapes")),
    ("KG602", re.compile(r"Inputs have incompatible shapes\. Received shapes")),
    ("KG603", re.compile(r"[Tt]he total size of the tensor must be unchanged")),
    ("KG603", re.compile(r"total size of new array must be unchanged")),
    ("KG607", re.compile(r"Computed output size would be zero or negative")),
    ("KG607", re.compile(r"Negative dimension size caused by subtracting")),
    ("KG604", re.compile(r"Input size must be at least \d+x\d+; Received: input_shape=")),
    ("KG604", re.compile(r"The input must have 3 channels; Received `input_shape=")),
    ("KG604", re.compile(r"When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be")),
)
_PATTERNS = _PATTERNS + _SHAPE_PATTERNS

# The layer a shape error names: ``of layer 'conv2d'`` or ``calling Reshape.call()``.
_NAMED_LAYER = re.compile(r"of layer ['\"]([^'\"]+)['\"] is incompatible")
_CALLED_CLASS = re.compile(r"Exception encountered when calling (\w+)\.call\(\)")


def failing_layer(message: str) -> tuple[Optional[str], Optional[str]]:
    """``(layer name, layer class)`` a Keras shape error names, when it does."""
    m = _NAMED_LAYER.search(message)
    if m:
        return m.group(1), None
    m = _CALLED_CLASS.search(message)
    if m:
        return None, m.group(1)
    return None, None


_DUPLICATE_NAME = re.compile(r'The name "([^"]*)" is used \d+ times in the model')


def rule_for_exception(exc_type: str, message: str) -> Optional[str]:
    """The rule code an exception maps to, or None (KG901)."""
    for code, pattern in _PATTERNS:
        if pattern.search(message):
            return code
    return None


def duplicated_name(message: str) -> Optional[str]:
    m = _DUPLICATE_NAME.search(message)
    return m.group(1) if m else None


def short_message(message: str, limit: int = 300) -> str:
    """First paragraph of an exception text, on one line."""
    text = message.strip().split("\n\n", 1)[0]
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
