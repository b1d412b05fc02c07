"""KG103 dangling-tensor: a computed branch that reaches no model output."""

from __future__ import annotations

from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Node, Tensor, input_roots
from kgraphlint.rules._wording import layer_ref
from kgraphlint.rules.base import Rule


def _parents(t: Tensor) -> Iterable[Tensor]:
    if t.alternatives:
        return t.alternatives
    if t.producer is not None:
        return t.producer.inputs
    return ()


def output_ancestors(facts: Facts) -> set[int]:
    """ids of every tensor some model output is computed from (outputs included)."""
    seen: set[int] = set()
    stack: list[Tensor] = []
    for model in facts.models:
        stack.extend(model.outputs or ())
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.extend(_parents(t))
    return seen


def symbolic_tensors(tensors: Iterable[Tensor]) -> set[int]:
    """ids of the tensors whose ancestry reaches an Input (one memoised pass)."""
    memo: dict[int, bool] = {}
    pending: set[int] = set()  # guards against cycles (loops summarised as fixed points)
    for start in tensors:
        stack: list[tuple[Tensor, bool]] = [(start, False)]
        while stack:
            t, expanded = stack.pop()
            if id(t) in memo:
                continue
            if t.is_input:
                memo[id(t)] = True
                continue
            parents = list(_parents(t))
            if not expanded:
                if id(t) in pending:
                    continue
                pending.add(id(t))
                stack.append((t, True))
                stack.extend((p, False) for p in parents if id(p) not in memo)
                continue
            pending.discard(id(t))
            memo[id(t)] = any(memo.get(id(p), False) for p in parents)
    return {tid for tid, symbolic in memo.items() if symbolic}


def explained_roots(facts: Facts) -> set[int]:
    """Input roots of dropped branches that another finding already explains.

    A dropped branch that starts at a listed Input of a model that Keras
    refuses to build (an output depends on an Input that is not listed, KG101,
    typically the head put on another model's `.output`), or at an input of a
    model whose outputs the engine cannot follow (e.g. a layer passed where a
    tensor belongs, KG201), is most likely the piece that was meant to go into
    that model: the other rule names the mistake and KG103 would only repeat
    it.  A model that builds with an unused Input (KG102 alone) keeps its
    KG103: the dropped branch is a second, separate fact worth its own line.
    """
    roots: set[int] = set()
    for model in facts.models:
        if model.inputs is None:
            continue
        listed = list(model.inputs)
        stop = frozenset(id(t) for t in listed)
        unfollowable = model.outputs is None
        disconnected = False
        possible: set[int] = set()
        for output in model.outputs or ():
            ancestry = input_roots(output, stop)
            possible |= ancestry.possible
            if not ancestry.complete:
                unfollowable = True
            if any(tid not in stop and ancestry.tensors[tid].is_input for tid in ancestry.definite):
                disconnected = True
        for t in listed:
            if unfollowable or (disconnected and t.is_input and id(t) not in possible):
                roots.add(id(t))
                roots |= input_roots(t).possible
    return roots


class DanglingTensor(Rule):
    """
    ## What it does
    Reports the result of a layer call that reaches no model output and is never
    returned, stored or passed on: a computed branch that was dropped.  A dead
    chain of several calls is reported once, at its last call.

    ## Why is this bad?
    Keras ignores the branch without a word: its layers are not part of the
    model and are never trained.  It is almost always a wiring slip, e.g. a
    `Dropout` or `BatchNormalization` whose result was not assigned back to
    `x`, or an auxiliary head that was forgotten in `outputs=`.

    ## Example
    ```python
    x = layers.Dense(64, activation="relu")(inputs)
    layers.Dropout(0.5)(x)  # result dropped
    outputs = layers.Dense(1)(x)
    ```

    ## Use instead
    ```python
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1)(x)
    ```
    """

    code = "KG103"
    name = "dangling-tensor"
    severity = "warning"
    engines = "ST"
    summary = "A layer-call result that reaches no model output: a computed branch was dropped."

    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
""",
        # A helper that returns its tensor; the auxiliary head is an output.
        """\
import keras
from keras import layers

def block(x, units):
    x = layers.Dense(units, activation="relu")(x)
    return layers.BatchNormalization()(x)

def build():
    inputs = keras.Input(shape=(32,))
    x = block(inputs, 64)
    aux = layers.Dense(1, name="aux")(x)
    main = layers.Dense(1, name="main")(block(x, 16))
    return keras.Model(inputs, [main, aux])
""",
        # Unused states of a multi-output layer are fine: the call is used.
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(10, 8))
seq, state_h, state_c = layers.LSTM(16, return_sequences=True, return_state=True)(inputs)
outputs = layers.Dense(1)(seq)
model = keras.Model(inputs, outputs)
""",
        # A tensor stored for later use is not dangling.
        """\
import keras
from keras import layers

features = {}
inputs = keras.Input(shape=(32,))
features["hidden"] = layers.Dense(8)(inputs)
model = keras.Model(inputs, layers.Dense(1)(inputs))
""",
    )

    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
layers.Dropout(0.5)(x)  # expect
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
""",
        # A dead chain of three calls is reported once, at its last call.
        """\
import keras
from keras import layers

def build():
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(64, activation="relu")(inputs)
    aux = layers.Dense(16, activation="relu")(x)
    aux = layers.Dropout(0.2)(aux)
    aux = layers.Dense(1, name="aux")(aux)  # expect
    main = layers.Dense(1, name="main")(x)
    return keras.Model(inputs, main)
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        live = output_ancestors(facts)
        candidates = [
            t
            for t in facts.tensors
            if t.producer is not None
            and not t.producer.layer.library_made
            and not t.library_made
            and t.producer.called_at is not None
            and id(t) not in live
        ]
        if not candidates:
            return
        consumed: set[int] = set()
        if any(t.used is None for t in candidates):
            if any(m.outputs is None for m in facts.models):
                # A model whose outputs are unknown may use any tensor.
                candidates = [t for t in candidates if t.used is not None]
            for consumer in facts.nodes:
                for t in consumer.inputs:
                    consumed.add(id(t))
                    for alt in t.alternatives:
                        consumed.add(id(alt))
        symbolic = symbolic_tensors(candidates)
        dead_ends: list[Tensor] = []
        for t in candidates:
            if id(t) not in symbolic:
                continue
            if t.used is not None:
                if t.used:
                    continue
            elif id(t) in consumed:
                continue
            dead_ends.append(t)
        if dead_ends:
            explained = explained_roots(facts)
            if explained:
                dead_ends = [
                    t for t in dead_ends if not (input_roots(t).possible & explained)
                ]
        dead_ids = {id(t) for t in dead_ends}
        # A value already reported as misused (called like a layer, given to a
        # tf function...) was not dropped: KG2xx says what is wrong with it.
        misused = {e.origin.key() for e in facts.events if e.origin is not None}
        reported: set[tuple[str, int, int]] = set()
        for t in dead_ends:
            node = t.producer
            assert node is not None and node.called_at is not None
            if not self._all_outputs_dead(node, dead_ids):
                # `seq, h, c = LSTM(return_state=True)(x)` with `h` unused: the
                # call itself is used.
                continue
            key = node.called_at.key()
            if key in reported or key in misused or (t.site is not None and t.site.key() in misused):
                continue
            reported.add(key)
            layer_name = node.layer.display()
            subject = (
                f"`{t.label}` (computed by {layer_ref(node.layer)})"
                if t.label
                else f"The result of {layer_ref(node.layer)}"
            )
            message = (
                f"{subject} reaches no model output and is never used: the branch it "
                f"ends is dropped."
            )
            hint = (
                "assign the result back and pass it on (e.g. `x = layer(x)`), add it to the "
                "model outputs, or delete the unused layer calls."
            )
            yield self.finding(
                node.called_at,
                message,
                hint,
                engine=facts.engine,
                related=[(node.layer.created_at, f"`{layer_name}` is created here")]
                if node.layer.created_at is not None and node.layer.created_at.key() != key
                else [],
            )

    @staticmethod
    def _all_outputs_dead(node: Node, dead_ids: set[int]) -> bool:
        return all(id(o) in dead_ids for o in node.outputs) if node.outputs else True
