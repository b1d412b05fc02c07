"""KG301 layer-reused-in-chain: one weighted layer applied twice along one path."""

from __future__ import annotations

from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Layer, Node, Tensor, model_layers
from kgraphlint.rules._wording import capitalized, layer_ref
from kgraphlint.rules.base import Rule


def _parents(t: Tensor) -> tuple[Tensor, ...] | list[Tensor]:
    if t.alternatives:
        return t.alternatives
    if t.producer is not None:
        return t.producer.inputs
    return ()


class _GraphIndex:
    """Memoised facts about tensors, shared by every layer of one check.

    - ``roots``: ids of the Inputs a tensor may depend on.  A call can only feed
      a later call of the same layer if the later call's roots include the
      earlier call's: parallel calls on independent Inputs (siamese towers) are
      ruled out without walking the graph.
    - ``depth``: length of the longest chain of calls above a tensor.  A call
      upstream of another has a strictly smaller depth, which orders calls and
      prunes walks whatever order an engine recorded them in (the tracer walks
      a built model from its outputs).

    Iterative, with a guard for cycles (an engine may summarise a loop as a
    fixed point where the loop variable depends on the call's own output).
    """

    def __init__(self) -> None:
        self.roots: dict[int, frozenset[int]] = {}
        self.depth: dict[int, int] = {}

    def visit(self, start: Tensor) -> None:
        roots, depth = self.roots, self.depth
        pending: set[int] = set()
        stack: list[tuple[Tensor, bool]] = [(start, False)]
        while stack:
            t, expanded = stack.pop()
            tid = id(t)
            if tid in roots:
                continue
            if t.is_input:
                roots[tid], depth[tid] = frozenset((tid,)), 0
                continue
            parents = _parents(t)
            if not expanded:
                if tid in pending:
                    continue
                pending.add(tid)
                stack.append((t, True))
                stack.extend((p, False) for p in parents if id(p) not in roots)
                continue
            pending.discard(tid)
            parts = [roots.get(id(p), frozenset()) for p in parents]
            # Share the set along chains: linear memory on deep graphs.
            roots[tid] = parts[0] if len(parts) == 1 else frozenset().union(*parts)
            above = max((depth.get(id(p), 0) for p in parents), default=0)
            depth[tid] = above + (1 if t.producer is not None and not t.alternatives else 0)

    def node_roots(self, node: Node) -> frozenset[int]:
        for t in node.inputs:
            self.visit(t)
        parts = [self.roots[id(t)] for t in node.inputs]
        if not parts:
            return frozenset()
        return parts[0] if len(parts) == 1 else frozenset().union(*parts)

    def node_depth(self, node: Node) -> int:
        for t in node.inputs:
            self.visit(t)
        return 1 + max((self.depth[id(t)] for t in node.inputs), default=0)


def has_weights(layer: Layer) -> bool:
    """Weighted for sure: the layer itself, or a sub-model with a weighted layer."""
    if layer.weighted is not None or layer.model is None:
        return layer.weighted is True
    seen: set[int] = set()
    stack = [layer.model]
    while stack:
        model = stack.pop()
        if id(model) in seen:
            continue
        seen.add(id(model))
        for inner in model_layers(model):
            if inner.weighted is True:
                return True
            if inner.model is not None:
                stack.append(inner.model)
    return False


def upstream_call(later: Node, earlier: list[Node], index: _GraphIndex) -> Optional[Node]:
    """A call among ``earlier`` (or ``later`` itself, for a loop summarised as
    a cycle) whose output the inputs of ``later`` are computed from."""
    later_roots = index.node_roots(later)
    targets = {id(n): n for n in earlier if index.node_roots(n) <= later_roots}
    targets[id(later)] = later
    # Nothing shallower than the shallowest candidate can have one upstream.
    bound = min(index.node_depth(n) for n in targets.values())
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
        if index.depth.get(id(t), bound) < bound:
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
        # Calls on data build no graph (a diffusion sampling loop); a layer
        # asked for another mode of the same weights ties them on purpose.
        """\
import numpy as np
import keras
from keras import layers

def sample(denoiser, steps=20):
    x = np.random.normal(size=(4, 32, 32, 3)).astype("float32")
    for _ in range(steps):
        x = x - 0.05 * denoiser(x, training=False)
    return x

class TiedEmbedding(layers.Layer):
    def build(self, input_shape):
        self.table = self.add_weight(shape=(1000, 64))

    def call(self, inputs, reverse=False):
        if reverse:
            return keras.ops.matmul(inputs, keras.ops.transpose(self.table))
        return keras.ops.take(self.table, inputs, axis=0)

def language_model():
    tokens = keras.Input(shape=(None,), dtype="int32")
    embedding = TiedEmbedding()
    x = layers.Dense(64, activation="gelu")(embedding(tokens))
    return keras.Model(tokens, embedding(x, reverse=True))
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
        # A Sequential block (a sub-model) applied twice in a row.
        """\
import keras
from keras import layers

def make_block(units):
    return keras.Sequential([layers.Dense(units, activation="relu"), layers.BatchNormalization()])

def build():
    inputs = keras.Input(shape=(16,))
    x = layers.Dense(64, activation="relu")(inputs)
    block = make_block(64)
    x = block(x)
    x = block(x)  # expect
    return keras.Model(inputs, layers.Dense(1)(x))
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        index = _GraphIndex()
        for layer in facts.layers:
            # A sub-model called twice in a chain (`x = block(block(x))`) ties
            # weights just the same; reusing it on parallel inputs (siamese,
            # encoder/decoder) is ruled out by the chain check itself.
            if not layer.nodes or layer.library_made or not has_weights(layer):
                continue
            # Upstream calls first, in recording order among equals.
            calls = sorted(
                enumerate(layer.nodes), key=lambda c: (index.node_depth(c[1]), c[0])
            )
            for position, (_, later) in enumerate(calls):
                if later.called_at is None:
                    continue
                if not later.on_graph:
                    # A call on data (a sampling loop over NumPy arrays): eager,
                    # no graph is built and no weights are tied by it.
                    continue
                later_depth = index.node_depth(later)
                earlier = [n for _, n in calls[:position] if index.node_depth(n) < later_depth]
                first = upstream_call(later, earlier, index)
                if first is None or first.mode_keywords != later.mode_keywords:
                    # ``embedding(x, reverse=True)`` after ``embedding(tokens)``:
                    # the code asks for the same weights in another mode (tied
                    # input/output embeddings), on purpose.
                    continue
                yield self._report(facts, layer, first, later)
                break  # one finding per layer, at its first chained call

    def _report(self, facts: Facts, layer: Layer, first: Node, later: Node) -> Finding:
        assert later.called_at is not None
        name = layer.display()
        # Line 0: a built model checked without sources (check_model).
        same_line = (
            first is later
            or first.called_at is not None
            and later.called_at.line > 0
            and first.called_at.key() == later.called_at.key()
        )
        subject = (
            f"Model `{layer.label or layer.model.display()}`"
            if layer.model is not None
            else capitalized(layer_ref(layer))
        )
        if same_line:
            message = (
                f"{subject} is called again on its own output here (e.g. in a loop): "
                f"every call shares the same weights."
            )
        else:
            message = (
                f"{subject} is called again here on a tensor computed from its earlier "
                f"call: both calls share the same weights."
            )
        if layer.model is not None:
            hint = (
                "build a new block for each use (call the function that builds it again); "
                "keep one instance only if tied weights are intended."
            )
        else:
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
