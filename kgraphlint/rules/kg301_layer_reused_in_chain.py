"""KG301 layer-reused-in-chain: one weighted layer applied twice along one path."""

from __future__ import annotations

from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Layer, Node, Tensor
from kgraphlint.rules._wording import capitalized, layer_ref
from kgraphlint.rules.base import Rule


def _parents(t: Tensor) -> tuple[Tensor, ...] | list[Tensor]:
    if t.alternatives:
        return t.alternatives
    if t.producer is not None:
        return t.producer.inputs
    return ()


class _InputRoots:
    """Memoised Input roots of tensors (ids of the Inputs each may depend on).

    A call can only feed a later call of the same layer if the later call's
    roots include the earlier call's: parallel calls on independent Inputs
    (siamese towers) are ruled out without walking the graph.
    """

    def __init__(self) -> None:
        self.memo: dict[int, frozenset[int]] = {}

    def of(self, start: Tensor) -> frozenset[int]:
        memo = self.memo
        pending: set[int] = set()  # cycles: loops summarised as fixed points
        stack: list[tuple[Tensor, bool]] = [(start, False)]
        while stack:
            t, expanded = stack.pop()
            tid = id(t)
            if tid in memo:
                continue
            if t.is_input:
                memo[tid] = frozenset((tid,))
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
            parts = [memo.get(id(p), frozenset()) for p in parents]
            if len(parts) == 1:
                memo[tid] = parts[0]  # share the set along chains: linear memory
            else:
                memo[tid] = frozenset().union(*parts)
        return memo.get(id(start), frozenset())

    def of_node(self, node: Node) -> frozenset[int]:
        parts = [self.of(t) for t in node.inputs]
        return parts[0] if len(parts) == 1 else frozenset().union(*parts)


def upstream_call(
    layer: Layer, j: int, position: dict[int, int], roots: _InputRoots
) -> Optional[int]:
    """Index of a call of ``layer`` (at most ``j``) whose output the inputs of
    call ``j`` are computed from, or None.  ``j`` itself is found when the
    engine summarised a loop as a cycle.
    """
    later = layer.nodes[j]
    later_roots = roots.of_node(later)
    targets: dict[int, int] = {}
    for i in range(j + 1):
        node = layer.nodes[i]
        if i == j or roots.of_node(node) <= later_roots:
            targets[id(node)] = i
    if not targets:
        return None
    # Calls are recorded in program order, so a producer recorded before the
    # earliest candidate cannot have a candidate upstream: prune there.
    known = [position.get(nid) for nid in targets]
    bound = min(known) if all(p is not None for p in known) else -1  # type: ignore[type-var]
    seen: set[int] = set()
    stack: list[Tensor] = list(later.inputs)
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t.is_input or t.opaque:
            continue
        if t.alternatives:
            stack.extend(t.alternatives)
            continue
        producer = t.producer
        if producer is None:
            continue
        if id(producer) in targets:
            return targets[id(producer)]
        pos = position.get(id(producer))
        if pos is not None and pos < bound:
            continue
        stack.extend(producer.inputs)
    return None


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

inputs = keras.Input(shape=(32, 32, 32))
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
        position = {id(node): i for i, node in enumerate(facts.nodes)}
        roots = _InputRoots()
        for layer in facts.layers:
            if (
                layer.weighted is not True
                or layer.library_made
                or layer.model is not None
                or not layer.nodes
            ):
                continue
            for index in range(len(layer.nodes)):
                later = layer.nodes[index]
                if later.called_at is None:
                    continue
                first_index = upstream_call(layer, index, position, roots)
                if first_index is None:
                    continue
                yield self._report(facts, layer, layer.nodes[first_index], later)
                break  # one finding per layer, at its first chained call

    def _report(self, facts: Facts, layer: Layer, first: Node, later: Node) -> Finding:
        assert later.called_at is not None
        name = layer.display()
        same_line = (
            first.called_at is not None and first.called_at.key() == later.called_at.key()
        )
        if same_line:
            message = (
                f"{capitalized(layer_ref(layer))} is called again on its own output here (e.g. in a "
                f"loop): every call shares the same weights."
            )
        else:
            message = (
                f"{capitalized(layer_ref(layer))} is called again here on a tensor computed from its "
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
