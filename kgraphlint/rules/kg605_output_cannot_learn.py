"""KG605 output-cannot-learn: a one-unit softmax, or a categorical loss on one unit."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Layer, Node, Tensor, output_tensors, shape_nodes
from kgraphlint.rules._shapes import layer_text
from kgraphlint.rules.base import Rule
from kgraphlint.static.shapes import canonical_class

# Losses that normalise the prediction over the last axis (one unit: always 1).
_CATEGORICAL = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})
# Losses that read labels as class indices into the last axis (one unit: one class).
_SPARSE = frozenset({"sparse_categorical_crossentropy"})


def _units(tensor: Tensor) -> Optional[int]:
    """The last dimension of a tensor, from its shape or its Dense producer."""
    if tensor.shape:
        return tensor.shape[-1]
    node = tensor.producer
    if node is not None and node.layer.config and canonical_class(node.layer.class_name) == "Dense":
        units = node.layer.config.get("units")
        return units if isinstance(units, int) and not isinstance(units, bool) else None
    return None


def _activation(layer: Layer) -> Optional[str]:
    config = layer.config or {}
    name = canonical_class(layer.class_name)
    if name in ("Dense", "Activation"):
        value: Any = config.get("activation")
        return value if isinstance(value, str) else None
    if name == "Softmax":
        return "softmax" if config.get("axis", -1) == -1 else None
    return None


def _one_unit_softmax(node: Node) -> bool:
    layer = node.layer
    if _activation(layer) != "softmax":
        return False
    name = canonical_class(layer.class_name)
    if name == "Dense":
        units = (layer.config or {}).get("units")
        return units == 1 and not isinstance(units, bool)
    # Activation("softmax") / Softmax() on a tensor whose last axis is 1.
    return len(node.inputs) == 1 and node.inputs[0].shape is not None and node.inputs[0].shape[-1:] == (1,)


class OutputCannotLearn(Rule):
    """
    ## What it does
    Reports an output that training cannot move, when it is pinned down:

    - a softmax over one unit (`Dense(1, activation="softmax")`,
      `Activation("softmax")` on a last axis of size 1): softmax normalises
      over the last axis, so it outputs exactly 1.0 for every sample;
    - a model compiled with `categorical_crossentropy` whose (only) output
      has one unit: the loss normalises the prediction over the last axis,
      so the loss stays at 0 whatever the weights; with
      `sparse_categorical_crossentropy` one unit means one class, and every
      label but 0 is out of range.

    ## Why is this bad?
    Keras accepts both silently.  Training runs, the loss is constant (or
    fit crashes on the first label 1), and the accuracy is whatever share of
    the data belongs to the class the model always predicts.  It is the
    commonest binary-classification mix-up: two styles of output and loss
    crossed.

    ## Example
    ```python
    outputs = layers.Dense(1, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ```

    ## Use instead
    ```python
    # one unit, sigmoid, binary cross-entropy ...
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    # ... or one unit per class, softmax, categorical cross-entropy
    outputs = layers.Dense(2, activation="softmax")(x)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ```
    """

    code = "KG605"
    name = "output-cannot-learn"
    severity = "error"
    engines = "ST"
    summary = "A softmax over one unit, or a categorical loss on a one-unit output: training cannot learn."

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(20,))
x = layers.Dense(16, activation="relu")(inputs)
binary = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
binary.compile(optimizer="adam", loss="binary_crossentropy")
multi = keras.Model(inputs, layers.Dense(3, activation="softmax")(x))
multi.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())
""",
        # A regression head with one unit and a mean-squared error.
        """\
import keras
from keras import layers

model = keras.Sequential([layers.Input(shape=(8,)), layers.Dense(32, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(20,))
x = layers.Dense(16, activation="relu")(inputs)
outputs = layers.Dense(1, activation="softmax")(x)  # expect
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
""",
        """\
import keras
from keras import layers

model = keras.Sequential([
    layers.Input(shape=(8,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        seen: set[tuple[str, int, int]] = set()
        softmax_outputs: set[int] = set()
        for node in shape_nodes(facts):
            if node.layer.library_made or node.called_at is None or not _one_unit_softmax(node):
                continue
            softmax_outputs.update(id(t) for t in node.outputs)
            key = node.called_at.key()
            if key in seen:
                continue
            seen.add(key)
            message = (
                f"{layer_text(node.layer)} applies a softmax over a single unit: softmax normalises "
                f"over the last axis, so it outputs 1.0 for every sample and nothing can be learned."
            )
            hint = (
                "for a yes/no output use `Dense(1, activation=\"sigmoid\")` with `binary_crossentropy`; "
                "for N classes use `Dense(N, activation=\"softmax\")` with "
                "`sparse_categorical_crossentropy` (integer labels) or `categorical_crossentropy` (one-hot)."
            )
            yield self.finding(node.called_at, message, hint, engine=facts.engine)
        for comp in facts.compiles:
            model = comp.model
            loss = comp.loss
            if isinstance(loss, (list, tuple)) and len(loss) == 1:
                loss = loss[0]
            if not isinstance(loss, str) or comp.site is None or model.library_made:
                continue
            outputs = output_tensors(model)
            if not outputs or len(outputs) != 1:
                continue
            out = outputs[0]
            if id(out) in softmax_outputs or _units(out) != 1:
                continue
            key = comp.site.key()
            if key in seen:
                continue
            if loss in _CATEGORICAL:
                why = (
                    f"`{loss}` normalises the prediction over the last axis, which has one unit: "
                    f"the loss stays at 0 whatever the weights, so nothing is learned"
                )
            elif loss in _SPARSE:
                why = (
                    f"`{loss}` reads each label as a class index into the last axis, which has one unit: "
                    f"one class only, and every label but 0 is out of range"
                )
            else:
                continue
            seen.add(key)
            producer = out.producer
            related = []
            if producer is not None and producer.called_at is not None and not producer.layer.library_made:
                related.append((producer.called_at, f"the one-unit output is made here, by {layer_text(producer.layer)}"))
            message = f"The model is compiled with `{loss}` but its output has a single unit: {why}."
            hint = (
                "for two classes keep the one sigmoid unit and use `loss=\"binary_crossentropy\"`; for N "
                "classes end with `Dense(N, activation=\"softmax\")`."
            )
            yield self.finding(comp.site, message, hint, engine=facts.engine, related=related)
