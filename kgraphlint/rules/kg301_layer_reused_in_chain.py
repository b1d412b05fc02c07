"""KG301 layer-reused-in-chain: one weighted layer applied twice along one path."""

from __future__ import annotations

from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Layer, Node, Tensor
from kgraphlint.rules.base import Rule


def _parents(t: Tensor) -> tuple[Tensor, ...] | list[Tensor]:
    if t.alternatives:
        return t.alternatives
    if t.producer is not None:
        return t.producer.inputs
    return ()


def earliest_upstream_call(layer: Layer) -> list[Optional[int]]:
    """For each node of ``layer``: the index of the earliest node of the same
    layer whose output its inputs are computed from (None if there is none).

    One memoised, iterative walk per layer: linear in the size of the graph
    above the layer's calls, and safe on very deep graphs.
    """
    index_of: dict[int, int] = {id(n): i for i, n in enumerate(layer.nodes)}
    # memo[id(tensor)]: smallest index of a node of `layer` among the tensor's
    # producers, itself included; None when the layer is not upstream.
    memo: dict[int, Optional[int]] = {}
    # Tensors being expanded: an engine that summarises a loop as a fixed point
    # may produce a cycle (the loop variable depends on the call's own output).
    pending: set[int] = set()

    def resolve(start: Tensor) -> Optional[int]:
        stack: list[tuple[Tensor, bool]] = [(start, False)]
        while stack:
            t, expanded = stack.pop()
            tid = id(t)
            if tid in memo:
                continue
            if t.is_input or t.opaque:
                memo[tid] = None
                continue
            parents = _parents(t)
            if not expanded:
                if tid in pending:
                    continue
                pending.add(tid)
                stack.append((t, True))
                stack.extend((p, False) for p in parents if id(p) not in memo)
                continue
            pending.discard(tid)
            best: Optional[int] = None
            if t.producer is not None and not t.alternatives:
                own = index_of.get(id(t.producer))
                if own is not None:
                    best = own
            for p in parents:
                v = memo.get(id(p))
                if v is not None and (best is None or v < best):
                    best = v
            memo[tid] = best
        return memo.get(id(start))

    result: list[Optional[int]] = []
    for node in layer.nodes:
        best: Optional[int] = None
        for t in node.inputs:
            v = resolve(t)
            if v is not None and (best is None or v < best):
                best = v
        result.append(best)
    return result


class LayerReusedInChain(Rule):
    """
    ## What it does
    Reports a weighted layer instance (`Dense`, `Conv2D`, ...) that is applied
    twice along one path of the graph: the output of one call flows, directly
    or through other layers, into a later call of the same layer.  Typical
    causes: a layer created outside a loop and called inside it, or
    `x = conv(x)` written twice with the same `conv`.

    ## Why is this bad?
    Both calls share one set of weights, so the "two" layers are tied: the
    model has fewer parameters than intended and the shapes must happen to
    match.  Keras accepts it silently.  Sharing a layer between *parallel*
    inputs (siamese towers, a shared embedding) is normal and not reported.

    ## Example
    ```python
    conv = layers.Conv2D(32, 3, padding="same")
    x = conv(inputs)
    x = conv(x)  # same weights again
    ```

    ## Use instead
    ```python
    x = layers.Conv2D(32, 3, padding="same")(inputs)
    x = layers.Conv2D(32, 3, padding="same")(x)
    ```
    """

    code = "KG301"
    name = "layer-reused-in-chain"
    severity = "warning"
    engines = "ST"
    summary = "One weighted layer instance applied twice along one path: weights tied by accident."

    VALID = (
        # Siamese: one encoder applied to two independent inputs.
        """\
import keras
from keras import layers

left = keras.Input(shape=(16,))
right = keras.Input(shape=(16,))
encoder = layers.Dense(8, activation="relu")
merged = layers.Concatenate()([encoder(left), encoder(right)])
model = keras.Model([left, right], layers.Dense(1)(merged))
""",
        # A new layer per loop iteration; a weightless layer reused in a chain.
        """\
import keras
from keras import layers

def build():
    inputs = keras.Input(shape=(16,))
    act = layers.Activation("relu")
    x = inputs
    for units in (32, 16, 8):
        x = layers.Dense(units)(x)
        x = act(x)
    return keras.Model(inputs, x)
""",
        # A sub-model applied twice in parallel (shared tower).
        """\
import keras
from keras import layers

tower_in = keras.Input(shape=(8,))
tower = keras.Model(tower_in, layers.Dense(4)(tower_in))
a = keras.Input(shape=(8,))
b = keras.Input(shape=(8,))
model = keras.Model([a, b], layers.Subtract()([tower(a), tower(b)]))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
conv = layers.Conv2D(32, 3, padding="same")
x = conv(inputs)
x = layers.BatchNormalization()(x)
x = conv(x)  # expect
model = keras.Model(inputs, x)
""",
        # Created outside the loop, called inside it.
        """\
import keras
from keras import layers

def build():
    inputs = keras.Input(shape=(16,))
    dense = layers.Dense(16, activation="relu")
    x = inputs
    for _ in range(3):
        x = dense(x)  # expect
    return keras.Model(inputs, x)
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        for layer in facts.layers:
            if (
                layer.weighted is not True
                or layer.library_made
                or layer.model is not None
                or not layer.nodes
            ):
                continue
            upstream = earliest_upstream_call(layer)
            for index, first_index in enumerate(upstream):
                # first_index == index: the call is upstream of itself (a loop
                # summarised as a cycle).
                if first_index is None or first_index > index:
                    continue
                later = layer.nodes[index]
                if later.called_at is None:
                    continue
                first = layer.nodes[first_index]
                yield self._report(facts, layer, first, later)
                break  # one finding per layer, at its first chained call

    def _report(self, facts: Facts, layer: Layer, first: Node, later: Node) -> Finding:
        assert later.called_at is not None
        name = layer.display()
        same_line = (
            first.called_at is not None and first.called_at.key() == later.called_at.key()
        )
        if same_line:
            message = (
                f"Layer `{name}` is called again on its own output here (e.g. in a "
                f"loop): every call shares the same weights."
            )
        else:
            message = (
                f"Layer `{name}` is called again here on a tensor computed from its "
                f"earlier call: both calls share the same weights."
            )
        hint = (
            f"create a new layer for each step (e.g. `{layer.class_name}(...)` inside the "
            f"loop or per call); keep one instance only if tied weights are intended."
        )
        related = []
        if not same_line:
            related.append((first.called_at, f"`{name}` is first called here"))
        related.append((layer.created_at, f"`{name}` is created here"))
        return self.finding(
            later.called_at, message, hint, engine=facts.engine, related=related
        )
