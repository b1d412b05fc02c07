"""KG101 disconnected-output: an output that depends on an Input the model does not list."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Model, Site, Tensor, input_roots, wired_models
from kgraphlint.rules._wording import model_ref
from kgraphlint.rules.base import Rule


def output_name(model: Model, index: int, tensor: Tensor) -> str:
    if index < len(model.output_labels) and model.output_labels[index]:
        return model.output_labels[index]
    return tensor.label or f"#{index}"


# An input or output the static engine named by its dict key: `inputs["image"]`.
_DICT_ITEM = re.compile(r'^(.+)\["[^"]*"\]$')


def plain_name(label: str) -> str:
    """A label as a dict key: its last identifier (`self.meta` -> `meta`)."""
    names = re.findall(r"[A-Za-z_]\w*", label)
    return names[-1] if names else label


def _inputs_phrase(strays: list[Tensor]) -> str:
    """"Input `b`", "Inputs `b` and `c`", "an unnamed Input", "Input `b` and 2 unnamed Inputs"."""
    named = [f"`{t.label}`" for t in strays if t.label]
    unnamed = sum(1 for t in strays if not t.label)
    parts = []
    if named:
        word = "Input" if len(named) == 1 else "Inputs"
        parts.append(f"{word} {', '.join(named[:-1])} and {named[-1]}" if len(named) > 1 else f"{word} {named[0]}")
    if unnamed:
        parts.append("an unnamed Input" if unnamed == 1 else f"{unnamed} unnamed Inputs")
    verb = "is" if len(strays) == 1 else "are"
    return f"{' and '.join(parts)}, which {verb} not listed"


def _site_order(t: Tensor) -> tuple[int, int, str]:
    site = t.site
    return (site.line if site else 0, site.column if site else 0, t.label or "")


class DisconnectedOutput(Rule):
    """
    ## What it does
    Checks that every output of a functional `Model(inputs, outputs)` can be
    computed from the listed `inputs`, and reports an output that depends on an
    Input tensor that is not listed (very often another model's `.input`, e.g.
    the Input of a `keras.applications` backbone).

    ## Why is this bad?
    Keras cannot build the model: it raises
    "Output with path `` is not connected to `inputs`" (or a graph-disconnected
    error) at run time, without naming the line or the Input at fault.  When it
    happens inside a long training script, the script dies after minutes of
    data loading.

    ## Example
    ```python
    base = keras.applications.InceptionV3(include_top=False, pooling="avg")
    image = keras.Input(shape=(299, 299, 3))
    predictions = layers.Dense(5, activation="softmax")(base.output)
    model = keras.Model(image, predictions)  # depends on base.input, not image
    ```

    ## Use instead
    ```python
    base = keras.applications.InceptionV3(include_top=False, pooling="avg")
    image = keras.Input(shape=(299, 299, 3))
    features = base(image)
    predictions = layers.Dense(5, activation="softmax")(features)
    model = keras.Model(image, predictions)
    ```
    """

    code = "KG101"
    name = "disconnected-output"
    severity = "error"
    engines = "ST"
    summary = "A model output depends on an Input that is not listed in the model's inputs."
    # Keras's words when it rejects such a model (ops/function.py).
    raised_patterns = (
        re.compile(r"Output with path `[^`]*` is not connected to `inputs`"),
        re.compile(r"Graph disconnected: cannot find parent for tensor"),
    )
    raised_wording = (
        "A model output is not connected to the model inputs",
        "build every output from the listed Input tensors, or add the Input it depends on to `inputs`.",
    )

    VALID = (
        # The seed fine-tune: the backbone's own Input is the model input.
        """\
import keras
from keras import layers

base = keras.applications.InceptionV3(include_top=False, weights=None, input_shape=(299, 299, 3))
new_output = layers.GlobalAveragePooling2D()(base.output)
new_output = layers.Dense(5, activation="softmax")(new_output)
model = keras.Model(base.inputs, new_output)
""",
        # The backbone called on a new Input, like any layer.
        """\
import keras
from keras import layers

def build():
    base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling="avg", input_shape=(96, 96, 3))
    image = keras.Input(shape=(96, 96, 3))
    features = base(image, training=False)
    predictions = layers.Dense(10, activation="softmax")(features)
    return keras.Model(image, predictions)
""",
        # Two inputs, both listed; a branch chosen by if/else.
        """\
import keras
from keras import layers

def build(wide=True):
    image = keras.Input(shape=(32,), name="image")
    meta = keras.Input(shape=(4,), name="meta")
    if wide:
        x = layers.Dense(64, activation="relu")(image)
    else:
        x = layers.Dense(8, activation="relu")(image)
    merged = layers.Concatenate()([x, meta])
    predictions = layers.Dense(1)(merged)
    return keras.Model(inputs=[image, meta], outputs=predictions)
""",
        # Inputs given as a dict.
        """\
import keras
from keras import layers

a = keras.Input(shape=(8,), name="a")
b = keras.Input(shape=(8,), name="b")
out = layers.Add()([layers.Dense(4)(a), layers.Dense(4)(b)])
model = keras.Model(inputs={"a": a, "b": b}, outputs=out)
""",
    )

    INVALID = (
        # A second Input used in the graph but not listed.
        """\
import keras
from keras import layers

image = keras.Input(shape=(32,))
meta = keras.Input(shape=(4,))
x = layers.Dense(16, activation="relu")(image)
merged = layers.Concatenate()([x, meta])
predictions = layers.Dense(1)(merged)
model = keras.Model(inputs=image, outputs=predictions)  # expect
""",
        # The head is built on base.output but the model lists a new Input.
        """\
import keras
from keras import layers

def build():
    base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling="avg", input_shape=(96, 96, 3))
    image = keras.Input(shape=(96, 96, 3))
    predictions = layers.Dense(10, activation="softmax")(base.output)
    model = keras.Model(image, predictions)  # expect
    return model
""",
        # Two outputs: only the second one is disconnected.
        """\
import keras
from keras import layers

a = keras.Input(shape=(8,))
b = keras.Input(shape=(8,))
out_a = layers.Dense(1)(a)
out_b = layers.Dense(1)(b)
model = keras.Model(a, [out_a, out_b])  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for model, stop in wired_models(facts):
            assert model.outputs is not None
            for index, output in enumerate(model.outputs):
                ancestry = input_roots(output, stop)
                # Definite dependencies are certain even when the walk met an
                # opaque tensor elsewhere, so `complete` is not required here.
                strays = sorted(
                    (
                        ancestry.tensors[tid]
                        for tid in ancestry.definite
                        if tid not in stop and ancestry.tensors[tid].is_input
                    ),
                    key=_site_order,
                )
                if strays:
                    yield self._report(facts, model, index, output, strays)

    def _report(
        self, facts: Facts, model: Model, index: int, output: Tensor, strays: list[Tensor]
    ) -> Finding:
        assert model.site is not None
        message = (
            f"Output `{output_name(model, index, output)}` of {model_ref(model)} is not "
            f"connected to its inputs: it depends on {_inputs_phrase(strays)}."
        )
        related: list[tuple[Optional[Site], str]] = []
        for t in strays:
            if not t.label:
                related.append((t.site, "the unnamed Input is defined here"))
            elif t.owner_model is not None:
                related.append((t.site, f"`{t.label}` is defined here"))
            else:
                related.append((t.site, f"Input `{t.label}` is defined here"))
        return self.finding(
            model.site,
            message,
            self._hint(model, strays[0]),
            engine=facts.engine,
            related=related,
        )

    @staticmethod
    def _hint(model: Model, stray: Tensor) -> str:
        listed = next((lbl for lbl in model.input_labels if lbl), None)
        if listed is None and model.inputs:
            listed = model.inputs[0].label
        if not stray.label:
            return (
                "assign the Input that has no name to a variable and add it to the model inputs"
                + (f", or build the output from `{listed}`." if listed else ".")
            )
        stray_name = stray.label
        owner = stray.owner_model
        if owner is not None:
            owner_name = owner.label or "the backbone"
            call = f"`features = {owner_name}({listed})`" if listed else f"`{owner_name}(...)`"
            return (
                f"call `{owner_name}` on the model's input like a layer ({call}) and build "
                f"the output from that, or list `{stray_name}` as the model input."
            )
        keyed = _DICT_ITEM.match(listed or "")
        if keyed and all(_DICT_ITEM.match(lbl or "") for lbl in model.input_labels):
            # The inputs are a dict (`inputs["image"]`): add a key, keep the dict.
            base = keyed.group(1)
            return (
                f"add `{stray_name}` to the model inputs (`inputs={{**{base}, \"{plain_name(stray_name)}\": {stray_name}}}`), "
                f"or build the output from `{base}`."
            )
        if listed:
            # `base.inputs` is itself a list: splice it rather than nest it.
            spliced = f"*{listed}" if listed.endswith(".inputs") else listed
            return (
                f"add `{stray_name}` to the model inputs "
                f"(`inputs=[{spliced}, {stray_name}]`), or build the output from `{listed}`."
            )
        return f"add `{stray_name}` to the model inputs."
