"""Training events of the static engine: fits, compiles and ``trainable`` changes.

The interpreter tells this module what happens, in the order it interprets
the program; this module keeps the ``trainable`` flags as they are on the
path being interpreted and records :class:`graph.Fit` and
:class:`graph.TrainableChange` facts (and the :class:`graph.When` of every
event, compiles included).  It knows nothing of the rules that read them.

The flags here follow the path being interpreted: ``disc.trainable = True``
then ``disc.train_on_batch(...)`` in a loop of unknown length sees the flag
True, as every real pass does.  ``if``/``else`` arms start from the same
flags and are joined afterwards (a flag the arms disagree on is unknown);
a loop that may not run at all joins with the flags it was entered with.
The interpreter's own ``trainable`` map, which KG302 reads at compile time,
is more cautious: anything decided in uncertain code is unknown there.

Objects the engine cannot pin down (a parameter, a free name, the result of a
call into code it cannot see) get an identity when the file sets a
``trainable`` flag anywhere (:class:`values.UnknownObject`): the training
events on them are recorded against a model of kind "unknown" whose flags
are unknown until the code sets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from kgraphlint import graph
from kgraphlint.static.keras_values import LayerOfModelV, LayerV, ModelV, UnknownLayer, UnknownObject
from kgraphlint.static.values import Value, options, truthiness

if TYPE_CHECKING:
    from kgraphlint.static.state import InterpreterState

Flags = dict[int, Optional[bool]]


def _and3(a: Optional[bool], b: Optional[bool]) -> Optional[bool]:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


_ABSENT = object()
_MAX_READS = 100_000


def join(states: list[Flags]) -> Flags:
    """Flags after paths that may each have run: a flag they disagree on is unknown."""
    if not states:
        return {}
    joined: Flags = {}
    for key in set().union(*states):
        values: set[object] = {state.get(key, _ABSENT) for state in states}
        joined[key] = values.pop() if len(values) == 1 and _ABSENT not in values else None  # type: ignore[assignment]
    return joined


class TrainingEvents:
    """The training events of one interpreter run (see the module docstring)."""

    def __init__(self, interpreter: "InterpreterState", text: str) -> None:
        self.interpreter = interpreter
        # id(layer or model fact) -> trainable on the current path (None: unknown).
        self.flags: Flags = {}
        # Identities for unknown objects cost nothing but are only useful
        # when the program sets a ``trainable`` flag somewhere.
        self.track_objects = ".trainable" in text
        # (site, function name) of the calls being interpreted inline.
        self.calls: list[tuple[graph.Site, str]] = []
        # How many calls deep each arm of ``interpreter.branch_path`` was entered.
        self.arm_depths: list[int] = []
        # Unknown objects read, in order (the parts of a model built from them).
        self.objects_read: list[UnknownObject] = []
        # ids of the facts standing for unknown objects: their flags are unknown until set.
        self.unknown_facts: set[int] = set()

    # -- where an event happens ------------------------------------------------------
    def when(self) -> graph.When:
        return graph.When(
            self.interpreter.tick(),
            tuple(self.interpreter.branch_path),
            tuple(self.calls),
            tuple(self.arm_depths),
        )

    def enter_arm(self) -> None:
        self.arm_depths.append(len(self.calls))

    def leave_arm(self) -> None:
        self.arm_depths.pop()

    def enter_call(self, site: graph.Site, name: str) -> None:
        self.calls.append((site, name))

    def leave_call(self) -> None:
        self.calls.pop()

    def call_sites(self) -> tuple[graph.Site, ...]:
        """The calls in progress, outermost first."""
        return tuple(site for site, _ in self.calls)

    # -- unknown objects -------------------------------------------------------------
    def new_object(self, label: str) -> UnknownObject:
        layers = graph.Layer(class_name="Layer", label=f"{label}.layers", library_made=True, used=True)
        obj = UnknownObject(graph.Model(kind="unknown", label=label, extra_layers=[layers]), layers)
        self.unknown_facts.update((id(obj.fact), id(layers)))
        return obj

    def object_read(self, obj: UnknownObject) -> None:
        if len(self.objects_read) >= _MAX_READS:
            # Only calls in progress look at the log (from where they started):
            # forgetting it loses the parts of a model, never adds one.
            self.objects_read.clear()
        self.objects_read.append(obj)

    def as_layer(self, obj: UnknownObject) -> graph.Layer:
        """The object as a part of a model: a layer whose model is the object's."""
        if obj.as_layer is None:
            obj.as_layer = graph.Layer(
                class_name="Layer", label=obj.fact.label, library_made=True, used=True, model=obj.fact
            )
            self.unknown_facts.add(id(obj.as_layer))
        return obj.as_layer

    def built_from(self, model: graph.Model, objects: list[UnknownObject]) -> None:
        """``model`` was built from these objects (``Model(base.input, ...)``,
        ``Sequential([base, ...])``, ``model.add(base)``): they are its parts."""
        for obj in objects:
            if obj.fact is model:
                continue
            layer = self.as_layer(obj)
            if all(existing is not layer for existing in model.extra_layers):
                model.extra_layers.append(layer)

    # -- paths -----------------------------------------------------------------------
    def fork(self) -> Flags:
        return dict(self.flags)

    def restore(self, state: Flags) -> None:
        self.flags = dict(state)

    def join_paths(self, states: list[Flags]) -> None:
        self.flags = join(states)

    # -- events ----------------------------------------------------------------------
    def flag(self, fact: object) -> Optional[bool]:
        """The flag on this path; one nobody set is True for what the file
        builds, unknown for an unknown object and its layers."""
        return self.flags.get(id(fact), None if id(fact) in self.unknown_facts else True)

    def snapshot(self, model: graph.Model) -> tuple[dict[graph.Layer, Optional[bool]], dict[graph.Model, Optional[bool]]]:
        """The effective flag of each layer of ``model`` and the own flag of
        the model and of the models it is made of."""
        layers: dict[graph.Layer, Optional[bool]] = {}
        models: dict[graph.Model, Optional[bool]] = {model: self.flag(model)}
        for layer, wrappers in graph.sublayers(model):
            state = self.flag(layer)
            for wrapper in wrappers:
                state = _and3(state, self.flag(wrapper.model) if wrapper.model is not None else None)
            if layer in layers and layers[layer] != state:
                state = None
            layers[layer] = state
            if layer.model is not None:
                models[layer.model] = self.flag(layer.model)
        return layers, models

    def fitted(self, model: graph.Model, node: cst.CSTNode) -> None:
        layers, models = self.snapshot(model)
        self.interpreter.facts.fits.append(
            graph.Fit(model, self.interpreter.site(node), self.when(), trainable=layers, model_trainable=models)
        )

    def compiled_unknown(self, obj: UnknownObject, node: cst.CSTNode) -> None:
        self.interpreter.facts.compiles.append(
            graph.Compile(model=obj.fact, site=self.interpreter.site(node), when=self.when())
        )

    def trainable_set(self, target: Value, value: Value, node: cst.Attribute) -> None:
        """``node.value.trainable = value``, ``target`` being what ``node.value`` evaluated to."""
        targets = options(target)
        state = truthiness(value) if len(targets) == 1 else None
        change = graph.TrainableChange(
            site=self.interpreter.site(node),
            when=self.when(),
            target=self.interpreter.code(node.value),
            value=state,
        )
        for opt in targets:
            if isinstance(opt, LayerV):
                owner = self.interpreter.layer_owner(opt.fact)
                if owner is not None:
                    change.layers_of.append(owner)  # ``base.layers[i]``: which one is not known
                self._set_layer(change, opt.fact, state)
            elif isinstance(opt, ModelV):
                self._set_model(change, opt.fact, state)
            elif isinstance(opt, LayerOfModelV):
                model = opt.model.fact
                if opt.partial:
                    change.layers_of.append(model)
                    for layer, _ in graph.sublayers(model):
                        self.flags[id(layer)] = None
                else:
                    for layer, _ in graph.sublayers(model):
                        self._set_layer(change, layer, state)
            elif isinstance(opt, UnknownObject):
                self._set_model(change, opt.fact, state)
            elif isinstance(opt, UnknownLayer):
                if opt.partial:
                    change.layers_of.append(opt.owner.fact)
                    self.flags[id(opt.owner.layers)] = None
                else:
                    self._set_layer(change, opt.owner.layers, state)
        if change.layers or change.models or change.layers_of:
            self.interpreter.facts.trainable_changes.append(change)

    def _set_layer(self, change: graph.TrainableChange, layer: graph.Layer, state: Optional[bool]) -> None:
        self.flags[id(layer)] = state
        change.layers.append(layer)
        if layer.model is not None:
            self._set_model(change, layer.model, state)

    def _set_model(self, change: graph.TrainableChange, model: graph.Model, state: Optional[bool]) -> None:
        # Keras sets the flag of every layer under the model too.
        self.flags[id(model)] = state
        change.models.append(model)
        for layer, _ in graph.sublayers(model):
            self.flags[id(layer)] = state
            change.layers.append(layer)
            if layer.model is not None:
                self.flags[id(layer.model)] = state
