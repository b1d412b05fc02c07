"""KG304 duplicate-layer-name: two layers of one model with the same explicit name."""

from __future__ import annotations

import re
from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Layer, Model, Site, Tensor, diverging_calls, mutually_exclusive
from kgraphlint.rules.base import Rule
from kgraphlint.rules._wording import model_ref


def _reach(start: Tensor, stop: frozenset[int], done: set[int]) -> dict[int, Tensor]:
    """Tensors ``start`` is computed from without an ``if``/``else`` choice.

    The walk stops at alternatives tensors (kept, not crossed), at the model's
    inputs and at tensors ``done`` already (everything above those is handled
    by the caller), which keeps the whole analysis close to linear.
    """
    seen: dict[int, Tensor] = {}
    stack = [start]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen[id(t)] = t
        if id(t) in stop or id(t) in done or t.alternatives:
            continue
        if t.producer is not None:
            stack.extend(t.producer.inputs)
    return seen


def definite_layers(model: Model) -> list[Layer]:
    """Layers certainly in ``model``: like ``model_layers``, but below an
    ``if``/``else`` choice only what every alternative is computed from counts
    (two `Dense(name="out")` in the two branches are never both in the model).
    """
    layers: dict[int, Layer] = {}
    stop = frozenset(id(t) for t in model.inputs or ())
    done: set[int] = set()
    stack: list[Tensor] = list(model.outputs or ())
    while stack:
        t = stack.pop()
        if id(t) in done:
            continue
        done.add(id(t))
        if id(t) in stop:
            continue
        if t.alternatives:
            reaches = [_reach(alt, stop, done) for alt in t.alternatives]
            common = set(reaches[0]).intersection(*reaches[1:])
            stack.extend(reaches[0][tid] for tid in common)
        elif t.producer is not None:
            layers.setdefault(id(t.producer.layer), t.producer.layer)
            stack.extend(t.producer.inputs)
    for layer in model.extra_layers:
        layers.setdefault(id(layer), layer)
    return list(layers.values())


class DuplicateLayerName(Rule):
    """
    ## What it does
    Reports two different layers of one model that were given the same
    explicit `name=`.

    ## Why is this bad?
    Layer names must be unique within a model: Keras raises
    "The name "dense" is used 2 times in the model. All operation names should
    be unique." when the model is built, and the error names neither line.
    It usually comes from a copy-pasted block or a name built without the loop
    index.

    ## Example
    ```python
    x = layers.Dense(64, name="hidden")(inputs)
    x = layers.Dense(32, name="hidden")(x)
    ```

    ## Use instead
    ```python
    x = layers.Dense(64, name="hidden_1")(inputs)
    x = layers.Dense(32, name="hidden_2")(x)
    ```
    """

    code = "KG304"
    name = "duplicate-layer-name"
    severity = "error"
    engines = "ST"
    summary = "Two layers of one model with the same explicit name= (Keras raises at Model())."
    # Keras's words when it rejects such a model (ops/function.py).
    raised_patterns = (re.compile(r'The name "[^"]*" is used \d+ times in the model'),)
    raised_wording = (
        "Two layers of one model have the same name",
        "give each layer a unique `name=`, or drop `name=` and let Keras number them.",
    )

    VALID = (
        # Names built from the loop index are not constants: never reported.
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(16,))
x = inputs
for i in range(3):
    x = layers.Dense(16, name=f"block_{i}")(x)
model = keras.Model(inputs, x)
""",
        # A layer shared twice is one layer; equal names in two models are fine.
        """\
import keras
from keras import layers

def build():
    a = keras.Input(shape=(8,))
    b = keras.Input(shape=(8,))
    shared = layers.Dense(4, name="shared")
    siamese = keras.Model([a, b], layers.Concatenate()([shared(a), shared(b)]))
    c = keras.Input(shape=(8,))
    other = keras.Model(c, layers.Dense(1, name="head")(c))
    d = keras.Input(shape=(8,))
    another = keras.Model(d, layers.Dense(1, name="head")(d))
    return siamese, other, another
""",
        # A name chosen by if/else: one layer is created either way.
        """\
import keras
from keras import layers

def build(binary):
    inputs = keras.Input(shape=(8,))
    if binary:
        out = layers.Dense(1, activation="sigmoid", name="out")(inputs)
    else:
        out = layers.Dense(10, activation="softmax", name="out")(inputs)
    return keras.Model(inputs, out)
""",
        # Layers of one name made in the arms of an if/elif/else: only the
        # arm that runs builds its layer.
        """import keras
from keras import layers

def pooling_head(pooling, channels_last, channels=64):
    if pooling == "avg":
        pooler = layers.GlobalAveragePooling2D(name="pooler")
    elif pooling == "max":
        pooler = layers.GlobalMaxPooling2D(name="pooler")
    else:
        pooler = layers.Flatten(name="pooler")
    if channels_last:
        reshape = layers.Reshape((1, 1, channels), name="reshape")
    else:
        reshape = layers.Reshape((channels, 1, 1), name="reshape")
    return keras.Sequential([pooler, reshape, layers.Dense(10, name="predictions")])
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(16,))
x = layers.Dense(64, name="hidden")(inputs)
x = layers.Dense(32, name="hidden")(x)  # expect
model = keras.Model(inputs, x)
""",
        # Copy-pasted heads of a two-output model.
        """\
import keras
from keras import layers

def build():
    inputs = keras.Input(shape=(16,))
    x = layers.Dense(32, activation="relu")(inputs)
    age = layers.Dense(1, name="output")(x)
    gender = layers.Dense(1, activation="sigmoid",  # expect
                          name="output")(x)
    return keras.Model(inputs, [age, gender])
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        order = {id(layer): i for i, layer in enumerate(facts.layers)}
        reported: set[tuple[str, int, int]] = set()
        for model in facts.models:
            by_name: dict[str, list[Layer]] = {}
            for layer in definite_layers(model):
                if layer.name is not None:
                    by_name.setdefault(layer.name, []).append(layer)
            # (name, layer to report, the other layer, how many share the name)
            clashes: list[tuple[str, Layer, Layer, int]] = []
            for name, group in by_name.items():
                if len(group) < 2:
                    continue
                group.sort(key=lambda l: order.get(id(l), len(order)))
                # Layers created in different arms of one if/else are never
                # built together: only a pair that can coexist clashes.
                pair = next(
                    ((a, b) for j, b in enumerate(group) for a in group[:j] if not mutually_exclusive(a, b)),
                    None,
                )
                if pair is None:
                    continue
                first, second = pair
                target, other = (first, second) if second.library_made else (second, first)
                if target.library_made or target.created_at is None:
                    continue
                clashes.append((name, target, other, len(group)))
            if not clashes:
                continue
            # Keras raises once per model, at the first clash: report that one
            # and mention the others, so one fix (often a name prefix) is seen whole.
            clashes.sort(key=lambda c: order.get(id(c[1]), len(order)))
            name, target, other, count = clashes[0]
            assert target.created_at is not None
            key = target.created_at.key()
            if key in reported:
                continue
            reported.add(key)
            times = "twice" if count == 2 else f"{count} times"
            also = ""
            if len(clashes) > 1:
                others = ", ".join(f'"{c[0]}"' for c in clashes[1:4])
                more = f" and {len(clashes) - 4} more" if len(clashes) > 4 else ""
                also = f" (so are {others}{more})"
            yield self.finding(
                target.created_at,
                f'Layer name "{name}" is used {times} in {model_ref(model)}{also}: '
                f"Keras raises when the model is built.",
                f'give each layer a unique `name=` (e.g. "{name}_2", or a prefix per '
                f"block), or drop `name=` and let Keras number them.",
                engine=facts.engine,
                related=_where_created(name, target, other),
            )


def _where_created(name: str, target: Layer, other: Layer) -> list[tuple[Optional[Site], str]]:
    """The related locations: the first layer of that name, and, for two
    layers made by one line of a helper, the two calls that made them
    (where the name usually comes from)."""
    first = f'the first layer named "{name}" is created here'
    assert target.created_at is not None
    if other.created_at is None or other.created_at.key() != target.created_at.key():
        return [(other.created_at, first)]
    calls = diverging_calls(target, other)
    if calls is None:
        return [(other.created_at, first)]
    return [
        (calls[1], f'the first layer named "{name}" is created by this call'),
        (calls[0], "this layer is created by this call"),
    ]
