"""KG601 rank-mismatch: a layer given a tensor of a rank it does not accept."""

from __future__ import annotations

import re
from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Node, Tensor, shape_nodes
from kgraphlint.rules._shapes import expected_axes, layer_text, made_by, tensor_ref
from kgraphlint.rules.base import Rule
from kgraphlint.static.shapes import RNN_LAYERS, accepts_rank, canonical_class, conv_rank, rank_requirement


class RankMismatch(Rule):
    """
    ## What it does
    Reports a layer called on (or stacked after) a tensor whose number of
    dimensions the layer does not accept, when both are pinned down: a
    `Conv2D` on `(None, 28, 28)` images (the channel axis was forgotten), an
    `LSTM` on `(None, 64)` (the previous recurrent layer dropped the time axis),
    a `MaxPooling2D` after `Flatten`, a `Conv2D` on a 5-D video tensor.

    Shapes come from literal `Input(shape=...)`, `input_shape=` of the first
    layer of a `Sequential`, `keras.applications` backbones and the common
    layers' arguments; a shape that depends on anything else is unknown and
    never reported.

    ## Why is this bad?
    Keras raises `Input 0 of layer "conv2d" is incompatible with the layer:
    expected min_ndim=4, found ndim=3` when the model is built: nothing trains
    until the shapes agree.  It is the commonest Keras crash.  kgraphlint says
    it before anything runs, names the layer that made the shape, and tells the
    usual fix.

    KG503 (`head-on-feature-map`) is the silent sibling: a `Dense` accepts a
    4-D feature map (it acts on the last axis), so Keras does not raise there
    and KG503 stays its own warning; KG601 reports only what Keras rejects.

    ## Example
    ```python
    inputs = keras.Input(shape=(28, 28))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)  # (None, 28, 28): no channel axis
    ```

    ## Use instead
    ```python
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    ```
    """

    code = "KG601"
    name = "rank-mismatch"
    severity = "error"
    engines = "ST"
    summary = "A layer called on a tensor whose number of dimensions it does not accept (Keras raises)."
    # What Keras raises while the layer is called (or a Sequential is built).
    raised_patterns = (
        re.compile(
            r"Input \d+ (?:with name '[^']*' )?of layer ['\"][^'\"]+['\"] is incompatible with the layer: "
            r"expected (?:min_|max_)?ndim=\d+, found ndim=\d+"
        ),
        re.compile(r"Kernel shape must have the same length as input"),
        re.compile(r"`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions"),
    )
    raised_at_layer = True
    raised_wording = (
        "A layer is given a tensor with a number of dimensions it does not accept",
        "give the layer the axes it expects: add the channel axis for Conv2D (`shape=(28, 28, 1)`), "
        "`return_sequences=True` on the recurrent layer before another one, convolutions before `Flatten`.",
    )

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.MaxPooling2D()(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
""",
        # Stacked recurrent layers keep the time axis; Dense acts on the last axis.
        """\
import keras
from keras import layers

model = keras.Sequential([
    layers.LSTM(64, return_sequences=True, input_shape=(30, 8)),
    layers.LSTM(32),
    layers.Dense(1),
])
""",
        # A shape that is not pinned down is never reported.
        """\
import keras
from keras import layers

def build(shape):
    inputs = keras.Input(shape=shape)
    x = layers.Conv2D(8, 3)(inputs)
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28))
x = layers.Conv2D(32, 3, activation="relu")(inputs)  # expect
""",
        """\
import keras
from keras import layers

model = keras.Sequential()
model.add(layers.LSTM(64, input_shape=(30, 8)))
model.add(layers.LSTM(32))  # expect
model.add(layers.Dense(1))
""",
        """\
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(32, 32, 3)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.Flatten(),
    layers.MaxPooling2D(),  # expect
    layers.Dense(10),
])
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        seen: set[tuple[str, int, int]] = set()
        for node in shape_nodes(facts):
            layer = node.layer
            if layer.library_made or node.called_at is None or len(node.inputs) != 1:
                continue
            tensor = node.inputs[0]
            if accepts_rank(layer.class_name, layer.config, tensor.shape) is not False:
                continue
            key = node.called_at.key()
            if key in seen:
                continue
            seen.add(key)
            req = rank_requirement(layer.class_name, layer.config)
            assert req is not None and tensor.shape is not None
            expects = expected_axes(layer.class_name, *req)
            message = (
                f"{layer_text(layer)} expects {expects} but gets {tensor_ref(tensor)} "
                f"({len(tensor.shape)}-D): Keras raises when the model is built."
            )
            related = [r for r in (made_by(tensor),) if r is not None]
            yield self.finding(node.called_at, message, _hint(node, tensor), engine=facts.engine, related=related)


def _hint(node: Node, tensor: Tensor) -> str:
    name = canonical_class(node.layer.class_name)
    shape = tensor.shape
    assert shape is not None
    rank = len(shape)
    producer = tensor.producer.layer if tensor.producer is not None else None
    producer_name = canonical_class(producer.class_name) if producer is not None else ""
    n = conv_rank(name)
    if producer_name in RNN_LAYERS and name in RNN_LAYERS | {"Bidirectional", "TimeDistributed", "Conv1D"}:
        return (
            f"set `return_sequences=True` on the `{producer_name}` before it, so that it outputs "
            f"one vector per timestep `(batch, timesteps, units)`."
        )
    if producer_name in ("Flatten", "Dense", "GlobalAveragePooling2D", "GlobalMaxPooling2D") and n is not None and rank < n + 2:
        return (
            f"the spatial axes were already removed by `{producer_name}`: keep {name} before it "
            f"(convolutions and pooling first, then Flatten/Dense), or restore them with `layers.Reshape`."
        )
    if n is not None and rank == n + 1:
        dims = ", ".join(str(d) for d in shape[1:])
        return (
            f"add the channel axis: declare the input as `shape=({dims}, 1)` (grayscale; 3 for RGB) "
            f"and reshape the data to match, or put `layers.Reshape(({dims}, 1))` before it."
        )
    if n is not None and rank > n + 2:
        return (
            f"`{name}` works on {n}-D samples; for one more axis use the {n + 1}-D layer "
            f"or wrap it as `layers.TimeDistributed({name}(...))`."
        )
    if name in RNN_LAYERS | {"Bidirectional"} and rank == 2:
        return (
            "recurrent layers read sequences `(batch, timesteps, features)`: declare the input as "
            f"`shape=(timesteps, features)`, e.g. `layers.Reshape(({shape[1]}, 1))` before it, or "
            "`layers.RepeatVector(n)` to repeat a vector."
        )
    if name in RNN_LAYERS | {"Bidirectional"} and rank > 3:
        return "flatten the extra axes first (e.g. `layers.Reshape((timesteps, -1))`) or use ConvLSTM2D."
    req = rank_requirement(name, node.layer.config) or (0, None)
    return f"reshape the tensor first: `{name}` needs {expected_axes(name, *req)}."


