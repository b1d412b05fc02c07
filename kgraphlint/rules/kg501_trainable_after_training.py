"""KG501 trainable-after-training: `trainable` changed between two fits with no compile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Sequence, Union

import libcst as cst

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, Fit, Layer, Model, Site, TrainableChange, When
from kgraphlint.rules.base import Rule
from kgraphlint.static.cst_walk import dotted_parts, iter_nodes
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.methods import TRAIN_METHODS
from kgraphlint.vocab.public_api import KERAS2_APPLICATIONS, application_names

# Callees that make a model whose layers are the layers of the models they are
# given (`keras.Model(base.input, out)`, `Sequential([base, Dense(3)])`).
MODEL_CONSTRUCTORS = frozenset({"Model", "Sequential", "Functional"})
# Callees that return a model object (its calls on tensors make it a sub-model):
# these and the application builders (`InceptionV3`, `ResNet50`...).
_MODEL_FACTORIES = MODEL_CONSTRUCTORS | {"load_model", "clone_model"}


def _is_model_factory(name: str) -> bool:
    return name in _MODEL_FACTORIES or name in application_names() or name in KERAS2_APPLICATIONS
_TENSOR_ATTRIBUTES = frozenset({"input", "inputs", "output", "outputs"})

_PRECHECK = re.compile(r"\.trainable\s*=[^=]")

Block = Sequence[cst.BaseStatement]


@dataclass
class _State:
    """What is known at one point of a scope, per model name (`model`, `self.model`)."""

    # model -> the fit() call since which it has not been compiled
    last_fit: dict[str, cst.Call] = field(default_factory=dict)
    # model -> trainable assignments made after last_fit, with that fit
    pending: dict[str, list[tuple[Union[cst.CSTNode, "_HelperChange"], str, cst.Call]]] = field(default_factory=dict)
    # model -> names of the models whose layers it is made of
    bases: dict[str, set[str]] = field(default_factory=dict)
    # tensor variable -> models whose output it is computed from
    taint: dict[str, set[str]] = field(default_factory=dict)
    # layer variable -> models it is a layer of
    layer_of: dict[str, set[str]] = field(default_factory=dict)
    models: set[str] = field(default_factory=set)
    # `trainable` target (source text) -> value last assigned (source text;
    # "?" when paths disagree), and per model the values at its last fit: a
    # change that is undone before the next fit (a GAN toggling its
    # discriminator) leaves the model as it was built.
    values: dict[str, str] = field(default_factory=dict)
    built: dict[str, dict[str, str]] = field(default_factory=dict)

    def copy(self) -> "_State":
        return _State(
            dict(self.last_fit),
            {k: list(v) for k, v in self.pending.items()},
            {k: set(v) for k, v in self.bases.items()},
            {k: set(v) for k, v in self.taint.items()},
            {k: set(v) for k, v in self.layer_of.items()},
            set(self.models),
            dict(self.values),
            {k: dict(v) for k, v in self.built.items()},
        )

    def merge(self, other: "_State") -> "_State":
        """Both control-flow paths joined: anything true on one path is kept."""
        out = self.copy()
        for k, v in other.last_fit.items():
            out.last_fit.setdefault(k, v)
        for k, items in other.pending.items():
            mine_pending = out.pending.setdefault(k, [])
            known = {id(a) for a, _, _ in mine_pending}
            mine_pending.extend(item for item in items if id(item[0]) not in known)
        for mine_map, theirs in ((out.bases, other.bases), (out.taint, other.taint), (out.layer_of, other.layer_of)):
            for k, names in theirs.items():
                mine_map.setdefault(k, set()).update(names)
        out.models |= other.models
        for k, text in other.values.items():
            if out.values.setdefault(k, text) != text:
                out.values[k] = "?"
        for model, values in other.built.items():
            mine_built = out.built.setdefault(model, dict(values))
            for k, text in values.items():
                if mine_built.setdefault(k, text) != text:
                    mine_built[k] = "?"
        return out

    def forget(self, name: str) -> None:
        """``name`` now holds a new object."""
        for table in (self.last_fit, self.pending, self.bases, self.taint, self.layer_of, self.built, self.values):
            table.pop(name, None)
        self.models.discard(name)


def _listed_names(expr: cst.BaseExpression) -> set[str]:
    """Plain names given as layers: ``base`` in ``Sequential([base, Dense(2)])`` or ``add(base)``."""
    if isinstance(expr, (cst.List, cst.Tuple)):
        return {key for e in expr.elements if (key := _key(e.value)) is not None}
    key = _key(expr)
    return {key} if key is not None else set()


def _key(expr: cst.BaseExpression) -> Optional[str]:
    parts = dotted_parts(expr)
    return ".".join(parts) if parts else None


def _calls_in(node: Optional[cst.CSTNode]) -> list[cst.Call]:
    """Calls of an expression in source order, not entering lambdas."""
    if node is None:
        return []
    return [n for n in iter_nodes(node, skip=(cst.Lambda,)) if isinstance(n, cst.Call)]


def _functions(module: cst.Module) -> list[tuple[cst.FunctionDef, bool]]:
    """Every function (nested ones too) in source order, and whether it is
    defined at module level.  Walks statements only, never expressions: cheap
    even on large files."""
    found: list[tuple[cst.FunctionDef, bool]] = []

    def walk(statements: Sequence[cst.CSTNode], top: bool) -> None:
        for node in statements:
            if isinstance(node, cst.FunctionDef):
                found.append((node, top))
                if isinstance(node.body, cst.IndentedBlock):
                    walk(node.body.body, False)
                continue
            for suite in _suites(node):
                if isinstance(suite, cst.IndentedBlock):
                    # Functions under `if`/`try` at module level are still module level.
                    walk(suite.body, top and not isinstance(node, cst.ClassDef))

    walk(module.body, True)
    return found


def _suites(node: cst.CSTNode) -> list[cst.BaseSuite]:
    """The blocks directly inside a compound statement."""
    if isinstance(node, cst.ClassDef):
        return [node.body]
    if isinstance(node, cst.If):
        suites = [node.body]
        if isinstance(node.orelse, cst.If):
            suites += _suites(node.orelse)
        elif node.orelse is not None:
            suites.append(node.orelse.body)
        return suites
    if isinstance(node, (cst.For, cst.While)):
        return [node.body] + ([node.orelse.body] if node.orelse is not None else [])
    if isinstance(node, cst.With):
        return [node.body]
    if isinstance(node, (cst.Try, cst.TryStar)):
        suites = [node.body] + [h.body for h in node.handlers]
        if node.orelse is not None:
            suites.append(node.orelse.body)
        if node.finalbody is not None:
            suites.append(node.finalbody.body)
        return suites
    return []


@dataclass
class _Report:
    assignment: cst.CSTNode
    target: str
    model: str
    fit_before: cst.Call
    fit_after: cst.Call
    # When the change happens inside a helper function: its name and the
    # assignment inside it (``assignment`` is then the helper call).
    helper: Optional[str] = None
    inner: Optional[cst.CSTNode] = None


@dataclass
class _Summary:
    """What a helper function does to the models passed to it, in order.

    Only unconditional `trainable` changes and fits are kept (a branch may not
    run), while a `compile()` anywhere counts: a helper is never the reason
    for a report unless what it does is certain.
    """

    params: list[str]
    # (kind, parameter, node, assigned value): kind is "trainable", "compile" or "fit"
    events: list[tuple[str, str, cst.CSTNode, Optional[cst.BaseExpression]]] = field(default_factory=list)

    def add(self, kind: str, param: str, node: cst.CSTNode, value: Optional[cst.BaseExpression] = None) -> None:
        if not any(k == kind and p == param and n is node for k, p, n, _ in self.events):
            self.events.append((kind, param, node, value))


@dataclass(eq=False)
class _HelperChange:
    """A `trainable` change made inside a helper, seen at the helper's call."""

    call: cst.Call
    helper: str
    inner: cst.CSTNode


class _ScopeWalker:
    """Statement-order interpretation of one scope."""

    def __init__(self, ctx: SourceContext, summaries: dict[str, _Summary]) -> None:
        self.ctx = ctx
        self.reports: dict[int, _Report] = {}
        self.summaries = summaries
        # The helper being summarised (None for the module body).
        self.recording: Optional[_Summary] = None
        # > 0 inside an `if`, a `while`, an `except`: code that may not run.
        self.conditional = 0

    # -- statements -----------------------------------------------------------------
    def block(self, statements: Block, state: _State) -> _State:
        for statement in statements:
            state = self.statement(statement, state)
        return state

    def suite(self, suite: cst.BaseSuite, state: _State) -> _State:
        if isinstance(suite, cst.IndentedBlock):
            return self.block(suite.body, state)
        if isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self.small(small, state)
        return state

    def statement(self, node: cst.BaseStatement, state: _State) -> _State:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small, state)
            return state
        if isinstance(node, cst.If):
            return self.if_(node, state)
        if isinstance(node, (cst.For, cst.While)):
            return self.loop(node, state)
        if isinstance(node, cst.With):
            for item in node.items:
                self.calls(_calls_in(item.item), state)
            return self.suite(node.body, state)
        if isinstance(node, cst.Try):
            after = self.suite(node.body, state)
            joined = after
            self.conditional += 1
            for handler in node.handlers:
                joined = joined.merge(self.suite(handler.body, after.copy()))
            self.conditional -= 1
            if node.orelse is not None:
                joined = self.suite(node.orelse.body, joined)
            if node.finalbody is not None:
                joined = self.suite(node.finalbody.body, joined)
            return joined
        # def/class bodies are scopes of their own; other statements are ignored.
        return state

    def if_(self, node: cst.If, state: _State) -> _State:
        self.calls(_calls_in(node.test), state)
        self.conditional += 1
        taken = self.suite(node.body, state.copy())
        orelse = node.orelse
        if orelse is None:
            other = state
        elif isinstance(orelse, cst.If):
            other = self.if_(orelse, state.copy())
        else:
            other = self.suite(orelse.body, state.copy())
        self.conditional -= 1
        return taken.merge(other)

    def loop(self, node: Union[cst.For, cst.While], state: _State) -> _State:
        if isinstance(node, cst.For):
            self.calls(_calls_in(node.iter), state)
        else:
            self.calls(_calls_in(node.test), state)
        entry = state.copy()
        body = state.copy()
        if isinstance(node, cst.For):
            self.bind_loop_target(node, body)
        # Twice: what the body does at the end of one iteration meets the
        # start of the next (a fit at the top of the loop, an unfreeze below it).
        # A `for` over layers is how unfreezing is written: its body counts as
        # run; a `while` may not run at all.
        self.conditional += isinstance(node, cst.While)
        body = self.suite(node.body, body)
        body = self.suite(node.body, body)
        self.conditional -= isinstance(node, cst.While)
        state = entry.merge(body)
        if node.orelse is not None:
            state = self.suite(node.orelse.body, state)
        return state

    def bind_loop_target(self, node: cst.For, state: _State) -> None:
        target: cst.BaseExpression = node.target
        iterable = node.iter
        # for i, layer in enumerate(model.layers[...]):
        if (
            isinstance(iterable, cst.Call)
            and isinstance(iterable.func, cst.Name)
            and iterable.func.value == "enumerate"
            and iterable.args
            and isinstance(target, cst.Tuple)
            and len(target.elements) == 2
        ):
            iterable, target = iterable.args[0].value, target.elements[1].value
        if isinstance(target, cst.Name):
            state.forget(target.value)
            owners = self.layers_owner(iterable, state)
            if owners:
                state.layer_of[target.value] = owners

    # -- simple statements ------------------------------------------------------------
    def small(self, node: cst.BaseSmallStatement, state: _State) -> None:
        if isinstance(node, cst.Assign):
            self.calls(_calls_in(node.value), state)
            for target in node.targets:
                self.assign(node, target.target, node.value, state)
        elif isinstance(node, cst.AnnAssign):
            self.calls(_calls_in(node.value), state)
            if node.value is not None:
                self.assign(node, node.target, node.value, state)
        else:
            self.calls(_calls_in(node), state)

    def assign(self, node: cst.CSTNode, target: cst.BaseExpression, value: cst.BaseExpression, state: _State) -> None:
        if isinstance(target, cst.Attribute) and target.attr.value == "trainable":
            self.trainable_set(node, target.value, state, self.ctx.code_for(value).strip(), value)
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element.value, cst.Name):
                    state.forget(element.value.value)
            return
        name = _key(target)
        if name is None:
            return
        # Read the value before the name is rebound: `x = layer(x)` keeps x's origin.
        is_model = False
        found: set[str] = set()
        owners: set[str] = set()
        if isinstance(value, cst.Call) and (callee := dotted_parts(value.func)) and _is_model_factory(callee[-1]):
            is_model = True
            if callee[-1] in MODEL_CONSTRUCTORS:
                found = self.models_in(value, state)
                if callee[-1] == "Sequential" and value.args:
                    found |= _listed_names(value.args[0].value)
                for base in list(found):
                    found |= state.bases.get(base, set())
                found.discard(name)
        else:
            owners = self.layer_owner(value, state)
            if not owners:
                found = self.models_in(value, state)
        state.forget(name)
        if is_model:
            state.models.add(name)
            if found:
                state.bases[name] = found
        elif owners:
            state.layer_of[name] = owners
        elif found:
            state.taint[name] = found

    # -- what an expression refers to ------------------------------------------------
    def models_in(self, expr: cst.CSTNode, state: _State) -> set[str]:
        """Models whose graph the tensors of ``expr`` come from."""
        found: set[str] = set()
        for node in iter_nodes(expr, skip=(cst.Lambda,)):
            if isinstance(node, cst.Attribute):
                if node.attr.value in _TENSOR_ATTRIBUTES:
                    key = _key(node.value)
                    if key:
                        found.add(key)
            elif isinstance(node, cst.Call):
                key = _key(node.func)
                if key in state.models:
                    found.add(key)
            elif isinstance(node, cst.Name):
                found.update(state.taint.get(node.value, ()))
                if node.value in state.models:
                    found.add(node.value)
        return found

    def layers_owner(self, expr: cst.BaseExpression, state: _State) -> set[str]:
        """Owners of the layers in ``M.layers`` / ``M.layers[a:b]``."""
        if isinstance(expr, cst.Subscript):
            expr = expr.value
        if isinstance(expr, cst.Attribute) and expr.attr.value == "layers":
            return self.owners(expr.value, state)
        return set()

    def layer_owner(self, expr: cst.BaseExpression, state: _State) -> set[str]:
        """Owners of the layer ``M.layers[i]`` / ``M.get_layer(...)``."""
        if isinstance(expr, cst.Subscript):
            return self.layers_owner(expr.value, state)
        if (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value == "get_layer"
        ):
            return self.owners(expr.func.value, state)
        return set()

    def owners(self, expr: cst.BaseExpression, state: _State) -> set[str]:
        """Models that the object ``expr`` is (or is a layer of)."""
        key = _key(expr)
        if key is not None:
            return {key} | state.layer_of.get(key, set())
        return self.layer_owner(expr, state)

    # -- events ---------------------------------------------------------------------
    def calls(self, calls: Iterable[cst.Call], state: _State) -> None:
        for call in calls:
            if isinstance(call.func, cst.Name) and call.func.value in self.summaries:
                self.helper_call(call, self.summaries[call.func.value], state)
                continue
            if not isinstance(call.func, cst.Attribute):
                continue
            method = call.func.attr.value
            model = _key(call.func.value)
            if model is None:
                continue
            if method in TRAIN_METHODS:
                self.fitted(model, call, state)
                if self.recording is not None and model in self.recording.params and not self.conditional:
                    self.recording.add("fit", model, call)
            elif method == "compile":
                self.compiled(model, state)
            elif method == "add" and call.args:
                # Sequential.add(base): base (and its layers) become the model's layers.
                added = self.models_in(call.args[0].value, state) | _listed_names(call.args[0].value)
                for base in added - {model}:
                    state.bases.setdefault(model, set()).update({base} | state.bases.get(base, set()))

    def fitted(self, model: str, call: cst.Call, state: _State) -> None:
        built = state.built.get(model, {})
        for assignment, target, before in state.pending.pop(model, []):
            now = state.values.get(target, "?")
            if now == "?" or built.get(target) == now:
                continue  # unknown, or back to what it was at the last fit
            if isinstance(assignment, _HelperChange):
                report = _Report(assignment.call, target, model, before, call, assignment.helper, assignment.inner)
                reported: cst.CSTNode = assignment.call
            else:
                report = _Report(assignment, target, model, before, call)
                reported = assignment
            self.reports.setdefault(id(reported), report)
        state.last_fit[model] = call
        state.built[model] = dict(state.values)

    def compiled(self, model: str, state: _State) -> None:
        state.last_fit.pop(model, None)
        state.pending.pop(model, None)
        if self.recording is not None and model in self.recording.params:
            self.recording.add("compile", model, cst.Name(model))

    def helper_call(self, call: cst.Call, summary: _Summary, state: _State) -> None:
        """Replay what a summarised helper does to the models it is given."""
        arguments: dict[str, cst.BaseExpression] = {}
        for i, arg in enumerate(call.args):
            if arg.star:
                return  # cannot tell which parameter gets what
            if arg.keyword is not None:
                arguments[arg.keyword.value] = arg.value
            elif i < len(summary.params):
                arguments[summary.params[i]] = arg.value
        helper = self.ctx.code_for(call.func)
        for kind, param, node, assigned in summary.events:
            value = arguments.get(param)
            key = _key(value) if value is not None else None
            if value is None or key is None:
                continue
            if kind == "trainable":
                text = "?"
                if isinstance(assigned, cst.Name) and assigned.value in summary.params:
                    given = arguments.get(assigned.value)
                    if given is not None:
                        text = self.ctx.code_for(given).strip()
                elif assigned is not None:
                    text = self.ctx.code_for(assigned).strip()
                self.trainable_set(_HelperChange(call, helper, node), value, state, text, assigned)
            elif kind == "compile":
                self.compiled(key, state)
            elif kind == "fit":
                self.fitted(key, call, state)
                if self.recording is not None and key in self.recording.params and not self.conditional:
                    self.recording.add("fit", key, call)

    def trainable_set(
        self,
        node: Union[cst.CSTNode, "_HelperChange"],
        obj: cst.BaseExpression,
        state: _State,
        value_text: str,
        value: Optional[cst.BaseExpression],
    ) -> None:
        owners = self.owners(obj, state)
        if self.recording is not None and not self.conditional:
            for param in owners & set(self.recording.params):
                inner = node.inner if isinstance(node, _HelperChange) else node
                self.recording.add("trainable", param, inner, value)
        affected = set(owners)
        for model, bases in state.bases.items():
            if bases & owners:
                affected.add(model)
        target = self.ctx.code_for(obj).strip()
        state.values[target] = value_text
        for model in sorted(affected):
            before = state.last_fit.get(model)
            if before is not None:
                state.pending.setdefault(model, []).append((node, target, before))


# -- the rule over the engines' training events ----------------------------------


@dataclass
class _Episode:
    """``model`` fitted at ``before``, fitted again at ``after`` with no
    compile() in between that surely ran, and a ``trainable`` change between."""

    model: Model
    before: Fit
    after: Fit
    change: TrainableChange


def _states(fit: Fit) -> dict[int, Optional[bool]]:
    """id(layer or model) -> its trainable flag at that fit (None: unknown)."""
    states: dict[int, Optional[bool]] = {id(layer): flag for layer, flag in (fit.trainable or {}).items()}
    states.update((id(model), flag) for model, flag in fit.model_trainable.items())
    return states


def _subjects(change: TrainableChange) -> list[Union[Layer, Model]]:
    return [*change.layers, *change.models]


def _touches(change: TrainableChange, model: Model, members: set[int]) -> bool:
    """The change set the flag of something the fitted model is made of."""
    if any(m is model for m in change.layers_of):
        return True
    return any(id(x) in members for x in (*_subjects(change), *change.layers_of))


def _unchanged(change: TrainableChange, before: dict[int, Optional[bool]], after: dict[int, Optional[bool]]) -> bool:
    """Everything the change touched is known to be as it was at the first fit
    (a GAN sets its discriminator back before fitting it again)."""
    if change.layers_of:
        return False  # some layers, the engine does not know which
    subjects = [x for x in _subjects(change) if id(x) in before or id(x) in after]
    if not subjects:
        return False
    for x in subjects:
        was, now = before.get(id(x)), after.get(id(x))
        if was is None or now is None or was != now:
            return False
    return True


def _episodes(facts: Facts) -> Iterator[_Episode]:
    fits: dict[int, list[Fit]] = {}
    for fit in facts.fits:
        fits.setdefault(id(fit.model), []).append(fit)
    compiles: dict[int, list[When]] = {}
    for c in facts.compiles:
        if c.when is not None:
            compiles.setdefault(id(c.model), []).append(c.when)
    changes = sorted(facts.trainable_changes, key=lambda t: t.when.order)
    for model_fits in fits.values():
        model_fits.sort(key=lambda f: f.when.order)
        model = model_fits[0].model
        for i, after in enumerate(model_fits):
            # The fit before it on a path that can lead to it.
            before = next((f for f in reversed(model_fits[:i]) if not f.when.exclusive_with(after.when)), None)
            if before is None:
                continue
            low, high = before.when.order, after.when.order
            if any(low < c.order < high and c.runs_whenever(after.when) for c in compiles.get(id(model), ())):
                continue
            was, now = _states(before), _states(after)
            members = set(was) | set(now) | {id(model)}
            for change in changes:
                if change.when.order <= low:
                    continue
                if change.when.order >= high:
                    break
                if change.when.exclusive_with(after.when) or not _touches(change, model, members):
                    continue
                if not _unchanged(change, was, now):
                    yield _Episode(model, before, after, change)


def _common_depth(*whens: When) -> int:
    """How many outer calls the events share: the scope the pattern is seen in."""
    depth = 0
    for calls in zip(*(w.via for w in whens)):
        first = calls[0]
        if any(c[0].key() != first[0].key() or c[1] != first[1] for c in calls[1:]):
            break
        depth += 1
    return depth


def _shown_at(site: Optional[Site], when: When, depth: int) -> Optional[Site]:
    """Where an event is shown in the scope ``depth`` calls deep: the call that
    leads to it when it happened deeper, else its own site."""
    return when.via[depth][0] if len(when.via) > depth else site


class TrainableAfterTraining(Rule):
    """
    ## What it does
    Reports `trainable` changed on a model, on its layers (`model.layers[i]`,
    `for layer in model.layers[...]:`, `model.get_layer(...)`) or on a model it
    was built from (`model = keras.Model(base.input, out)`, or `base(...)`
    called inside it), after that model was `fit` and before it is `fit`
    again with no `model.compile(...)` in between.

    Statements are read in order within one function (or the module body),
    through `if`/`for`/`while`/`with`/`try` (including
    `if __name__ == "__main__":`); a loop body is read twice, so an unfreeze
    at the end of one iteration meets the `fit` at the start of the next.
    Models are tracked by their source names. A module-level helper function
    called between the fits counts when what it does is certain: its
    unconditional `trainable` changes and fits, and a `compile()` anywhere in it
    (reported at the helper's call, with the assignment inside it as related).
    A change undone before the next fit (a GAN toggling its discriminator's
    `trainable` around the generator step) is not reported: at its own fits the
    model is as it was built.

    Under `--trace` the same pattern is read off what the program really did:
    its fits, compiles and `trainable` assignments in the order they ran, with
    the real layers' effective flags at each fit (code the tracer runs: module
    level and the builders, not a `main()` that trains).

    ## Why is this bad?
    Keras builds the training step at the first `fit` after `compile()`, with
    the set of trainable variables of that moment. Changing `trainable`
    afterwards does not change what the next `fit` trains (checked on Keras
    3.15): the unfrozen layers stay frozen, or the frozen ones keep training,
    silently. `compile()` rebuilds the step.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(train_ds, epochs=5)
    for layer in base.layers[-30:]:
        layer.trainable = True
    model.fit(train_ds, epochs=5)
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(train_ds, epochs=5)
    for layer in base.layers[-30:]:
        layer.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="categorical_crossentropy")
    model.fit(train_ds, epochs=5)
    ```
    """

    code = "KG501"
    name = "trainable-after-training"
    severity = "warning"
    engines = "ST"
    summary = "trainable changed after fit() and fitted again without compile(): the change is ignored."
    source_rule = True

    VALID = (
        # The classic fine-tune: fit, unfreeze, recompile, fit.
        "import keras\n\n"
        "base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling='avg')\n"
        "base.trainable = False\n"
        "model = keras.Model(base.input, keras.layers.Dense(3)(base.output))\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y, epochs=2)\n"
        "base.trainable = True\n"
        "model.compile(optimizer=keras.optimizers.Adam(1e-5), loss='mse')\n"
        "model.fit(x, y, epochs=2)\n",
        # Changed between compile() and the first fit(): the step is built at that fit.
        "model.compile(optimizer='adam', loss='mse')\n"
        "for layer in model.layers[:10]:\n"
        "    layer.trainable = False\n"
        "model.fit(x, y)\n"
        "model.fit(x, y)\n",
        # A different model.
        "model.fit(x, y)\n"
        "other.trainable = False\n"
        "model.fit(x, y)\n",
    )
    INVALID = (
        "import keras\n\n"
        "def train(x, y):\n"
        "    base = keras.applications.MobileNetV2(include_top=False, weights=None, pooling='avg')\n"
        "    base.trainable = False\n"
        "    model = keras.Model(base.input, keras.layers.Dense(3)(base.output))\n"
        "    model.compile(optimizer='adam', loss='mse')\n"
        "    model.fit(x, y, epochs=2)\n"
        "    base.trainable = True  # expect\n"
        "    model.fit(x, y, epochs=2)\n",
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.fit(x, y)\n"
        "for layer in model.layers[-4:]:\n"
        "    layer.trainable = True  # expect\n"
        "model.get_layer('head').trainable = False  # expect\n"
        "model.fit(x, y)\n",
        "import keras\n\n"
        "inputs = keras.Input((224, 224, 3))\n"
        "base = keras.applications.ResNet50(include_top=False, weights=None)\n"
        "x = base(inputs, training=False)\n"
        "x = keras.layers.GlobalAveragePooling2D()(x)\n"
        "model = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
        "model.compile('adam', 'mse')\n"
        "if __name__ == '__main__':\n"
        "    model.fit(data, epochs=1)\n"
        "    base.trainable = True  # expect\n"
        "    model.fit(data, epochs=1)\n",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        if facts.engine != "trace":
            return []  # the static engine's findings come from check_source for now
        reported: dict[tuple[str, int, int], Finding] = {}
        for episode in _episodes(facts):
            finding = self._episode_finding(episode, facts.engine)
            if finding is not None:
                reported.setdefault((finding.path, finding.line, finding.column), finding)
        return list(reported.values())

    def _episode_finding(self, episode: _Episode, engine: str) -> Optional[Finding]:
        change, first, second = episode.change, episode.before, episode.after
        depth = _common_depth(first.when, change.when, second.when)
        at = _shown_at(change.site, change.when, depth)
        before = _shown_at(first.site, first.when, depth)
        after = _shown_at(second.site, second.when, depth)
        if at is None or before is None or after is None:
            return None
        model = episode.model.display()
        related: list[tuple[Optional[Site], str]] = [
            (before, f"`{model}` fitted here"),
            (after, f"`{model}` fitted again here, without compile()"),
        ]
        if len(change.when.via) > depth:
            helper = change.when.via[depth][1]
            related.insert(0, (change.site, f"`trainable` changed here, inside `{helper}()`"))
            what = f"`{helper}()` changes `trainable` on `{model}` (line {change.site.line})"
        else:
            what = f"`{change.target}.trainable` is changed"
        return self.finding(
            at,
            f"{what} after `{model}` was fitted (line {before.line}), "
            f"and `{model}` is fitted again (line {after.line}) without `{model}.compile()`: "
            "Keras keeps training the weights chosen at the first fit, so the change is ignored.",
            f"call `{model}.compile(...)` after changing `trainable` and before fitting again",
            engine=engine,
            related=related,
        )

    def check_source(self, ctx: SourceContext) -> Iterable[Finding]:
        if not _PRECHECK.search(ctx.text):
            return []
        summaries: dict[str, _Summary] = {}
        walker = _ScopeWalker(ctx, summaries)
        functions = _functions(ctx.module)
        top_level_names = [f.name.value for f, top in functions if top]
        for function, top in functions:
            if not isinstance(function.body, cst.IndentedBlock):
                continue
            name = function.name.value
            summary = None
            if top and top_level_names.count(name) == 1:
                params = [p.name.value for p in function.params.params]
                summary = _Summary(params)
            walker.recording = summary
            walker.block(function.body.body, _State())
            if summary is not None and summary.events:
                summaries[name] = summary
        walker.recording = None
        walker.block(ctx.module.body, _State())
        return [self._finding(ctx, report) for report in walker.reports.values()]

    def _finding(self, ctx: SourceContext, report: _Report) -> Finding:
        before = ctx.site(report.fit_before)
        after = ctx.site(report.fit_after)
        model = report.model
        related = [
            (before, f"`{model}` fitted here"),
            (after, f"`{model}` fitted again here, without compile()"),
        ]
        if report.helper is not None and report.inner is not None:
            inner = ctx.site(report.inner)
            related.insert(0, (inner, f"`trainable` changed here, inside `{report.helper}()`"))
            what = f"`{report.helper}()` changes `trainable` on `{report.target}` (line {inner.line})"
        else:
            what = f"`{report.target}.trainable` is changed"
        return self.finding(
            ctx.site(report.assignment),
            f"{what} after `{model}` was fitted (line {before.line}), "
            f"and `{model}` is fitted again (line {after.line}) without `{model}.compile()`: "
            "Keras keeps training the weights chosen at the first fit, so the change is ignored.",
            f"call `{model}.compile(...)` after changing `trainable` and before fitting again",
            related=related,
        )
