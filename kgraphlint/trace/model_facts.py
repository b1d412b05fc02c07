"""Real Keras models -> the shared fact model (kgraphlint.graph).

Two users:

- the trace worker, which also has a :class:`~kgraphlint.trace.hooks.Recorder`
  (where each layer was created and called, which models the user built and
  compiled) and the file's :class:`~kgraphlint.trace.labels.LabelIndex`;
- :func:`check_model` (``kgraphlint.check_model``, the pytest plugin), which
  only has a model object.  There, creation and call sites are unknown: every
  site is ``Site("<model NAME>", 0, 0)`` (line 0 = unknown; related locations
  with line 0 are dropped by ``Rule.finding``) and things are named by their
  Keras names (``dense_3``).

The graph is read from Keras itself: ``model.inputs``/``outputs``,
``KerasTensor._keras_history`` and ``operation._inbound_nodes``.  Only what
user code built is included, plus the library nodes its models reach (the 311
layers of an InceptionV3 backbone, marked ``library_made``).
"""

from __future__ import annotations

import re
from types import FrameType
from typing import TYPE_CHECKING, Any, Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Compile, Facts, Fit, Layer, Model, Node, Site, Tensor, TrainableChange, When

if TYPE_CHECKING:
    from kgraphlint.trace.hooks import Recorder
    from kgraphlint.trace.labels import LabelIndex


def _auto_named(op: Any) -> bool:
    """Whether ``op.name`` looks like a Keras auto-name (``dense``, ``dense_3``)."""
    from keras.src.utils.naming import to_snake_case

    base = to_snake_case(type(op).__name__)
    return re.fullmatch(re.escape(base) + r"(_\d+)?", op.name or "") is not None


class _FactsBuilder:
    def __init__(
        self,
        path: str,
        recorder: Optional["Recorder"],
        labels: Optional["LabelIndex"],
        unknown_site: Site,
    ) -> None:
        import keras
        from keras.src.backend import KerasTensor
        from keras.src.layers.core.input_layer import InputLayer
        from keras.src.models.functional import Functional
        from keras.src.models.sequential import Sequential

        self.K_Layer = keras.Layer
        self.K_Model = keras.Model
        self.K_Tensor = KerasTensor
        self.K_InputLayer = InputLayer
        self.K_Functional = Functional
        self.K_Sequential = Sequential
        self.facts = Facts(path=path, engine="trace")
        self.rec = recorder
        self.labels = labels
        self.unknown = unknown_site
        self.layers: dict[int, Layer] = {}
        self.tensors: dict[int, Tensor] = {}
        self.keras_tensors: dict[int, Any] = {}
        # The traced module's namespace (module-level variables).
        self.module_globals: Optional[dict[str, Any]] = None
        self.models: dict[int, Model] = {}
        self.keras_models: dict[int, Any] = {}
        self.keras_nodes: dict[int, Any] = {}
        self._queue: list[Any] = []
        self._seen_tensors: set[int] = set()

    # -- discovery -------------------------------------------------------------
    def include_model(self, model: Any) -> None:
        if id(model) in self.keras_models:
            return
        self.keras_models[id(model)] = model
        rec = self.rec.models.get(id(model)) if self.rec else None
        if rec is not None and rec.inputs is not None:
            self._queue.extend(rec.inputs)
            self._queue.extend(rec.outputs or ())
        elif isinstance(model, self.K_Functional) and not isinstance(model, self.K_Sequential):
            self._queue.extend(model.inputs or ())
            self._queue.extend(model.outputs or ())

    def include_node(self, knode: Any) -> None:
        if id(knode) in self.keras_nodes or isinstance(knode.operation, self.K_InputLayer):
            return
        self.keras_nodes[id(knode)] = knode
        self._queue.extend(knode.input_tensors)
        self._queue.extend(knode.outputs)
        if isinstance(knode.operation, self.K_Model):
            self.include_model(knode.operation)

    def discover(self) -> None:
        while self._queue:
            kt = self._queue.pop()
            if not isinstance(kt, self.K_Tensor) or id(kt) in self._seen_tensors:
                continue
            self._seen_tensors.add(id(kt))
            history: Any = getattr(kt, "_keras_history", None)
            op = getattr(history, "operation", None)
            if op is None:
                continue
            try:
                knode = op._inbound_nodes[history.node_index]
            except (IndexError, AttributeError):
                continue
            self.include_node(knode)

    def _sequential_chain(self, km: Any, fact: Model) -> None:
        """The calls Keras made to build a Sequential model, with their shapes."""
        try:
            layers = list(km.layers)
            built = bool(getattr(km, "built", False)) and getattr(km, "_functional", None) is not None
        except Exception:
            return
        previous: Optional[Tensor] = None
        for layer in layers:
            try:
                in_shape = _plain_shape(layer.input.shape) if built else None
                out_shape = _plain_shape(layer.output.shape) if built else None
            except Exception:
                in_shape = out_shape = None
            layer_fact = self.layer(layer)
            if previous is not None and previous.shape == in_shape:
                inp = previous
            else:
                inp = Tensor(shape=in_shape, rank=None if in_shape is None else len(in_shape))
            call = Node(layer=layer_fact, inputs=[inp], called_at=layer_fact.created_at)
            out = Tensor(producer=call, shape=out_shape, rank=None if out_shape is None else len(out_shape))
            call.outputs.append(out)
            fact.chain.append(call)
            previous = out
        fact.chain_complete = bool(fact.chain)

    # -- facts -------------------------------------------------------------------
    def _op_record(self, op: Any) -> Any:
        return self.rec.op_record(op) if self.rec else None

    def layer(self, op: Any) -> Layer:
        fact = self.layers.get(id(op))
        if fact is not None:
            return fact
        rec = self._op_record(op)
        if rec is not None:
            site, library, explicit = rec.site, rec.library, rec.explicit_name
        elif self.rec is not None:
            # Created outside this file's trace (e.g. a cached helper module):
            # nothing to report on it.
            site, library, explicit = None, True, not _auto_named(op)
        else:
            site, library, explicit = self.unknown, False, not _auto_named(op)
        if isinstance(op, self.K_Layer):
            weighted = _owns_trainable_weights(op)
        else:
            weighted = False  # a keras.ops operation: no weights
        label = None
        if self.labels is not None and site is not None and not library:
            label = self.labels.label(site)
        fact = Layer(
            class_name=type(op).__name__,
            created_at=site,
            # Models' names: Keras raises on duplicates, reported from the
            # exception (rules.raised) at the helper call that differs.
            name=op.name if explicit and not isinstance(op, self.K_Model) else None,
            label=label or op.name,
            weighted=weighted,
            library_made=library,
            config=_shape_config(op),
        )
        self.layers[id(op)] = fact
        self.facts.layers.append(fact)
        if isinstance(op, self.K_Model):
            fact.model = self.model(op)
        return fact

    def tensor(self, kt: Any) -> Tensor:
        fact = self.tensors.get(id(kt))
        if fact is not None:
            return fact
        shape = _plain_shape(getattr(kt, "shape", None))
        fact = Tensor(rank=len(shape) if shape is not None else None, shape=shape)
        history = getattr(kt, "_keras_history", None)
        op = getattr(history, "operation", None)
        if isinstance(op, self.K_InputLayer):
            fact.is_input = True
            rec = self._op_record(op)
            fact.site = rec.site if rec else (None if self.rec else self.unknown)
            fact.library_made = rec.library if rec else self.rec is not None
            if self.labels is not None and fact.site is not None and not fact.library_made:
                fact.label = self.labels.assigned_name(fact.site)
            fact.label = fact.label or op.name
        elif op is None:
            fact.opaque = True
            fact.label = getattr(kt, "name", None)
        self.tensors[id(kt)] = fact
        self.keras_tensors[id(kt)] = kt
        self.facts.tensors.append(fact)
        return fact

    def node(self, knode: Any) -> Node:
        rec = self.rec.nodes.get(id(knode)) if self.rec else None
        if rec is not None:
            site, library = rec.site, rec.library
        elif self.rec is not None:
            site, library = None, True
        else:
            site, library = self.unknown, False
        fact = Node(
            layer=self.layer(knode.operation),
            inputs=[self.tensor(t) for t in knode.input_tensors],
            outputs=[],
            called_at=site,
        )
        label = None
        if self.labels is not None and site is not None and not library:
            label = self.labels.label(site)
        outputs = list(knode.outputs)
        for i, kt in enumerate(outputs):
            t = self.tensor(kt)
            t.producer = fact
            t.site = site
            t.library_made = library
            if label and len(outputs) > 1:
                t.label = f"{label}[{i}]"
            else:
                t.label = label or knode.operation.name
            fact.outputs.append(t)
        # A backbone called like a layer (`x = base(x, training=False)`):
        # its 4-D output is a feature map just like `base.output`.
        mrec = self.rec.models.get(id(knode.operation)) if self.rec else None
        if mrec is not None and mrec.kind == "application" and mrec.include_top is False and mrec.pooling is None:
            for t in fact.outputs:
                if t.rank == 4:
                    t.feature_map_of = self.model(knode.operation)
        fact.layer.nodes.append(fact)
        self.facts.nodes.append(fact)
        return fact

    def model(self, km: Any) -> Model:
        fact = self.models.get(id(km))
        if fact is not None:
            return fact
        rec = self.rec.models.get(id(km)) if self.rec else None
        if rec is not None:
            kind, site, library = rec.kind, rec.site, rec.library
        else:
            if isinstance(km, self.K_Sequential):
                kind = "sequential"
            elif isinstance(km, self.K_Functional):
                kind = "functional"
            else:
                kind = "subclass"
            op_rec = self._op_record(km)
            if op_rec is not None:
                site, library = op_rec.site, op_rec.library
            else:
                site, library = (None, True) if self.rec else (self.unknown, False)
        fact = Model(kind=kind, site=site, library_made=library)
        if self.rec is not None:
            fact.trained = id(km) in self.rec.trained_models
            fact.evaluated = id(km) in self.rec.evaluated_models
        self.models[id(km)] = fact  # before recursing: a model may contain itself
        label = self.labels.assigned_name(site) if self.labels is not None and site is not None else None
        fact.label = label or (rec.application if rec is not None and rec.application else None) or km.name
        if kind in ("functional", "application"):
            ins = rec.inputs if rec is not None and rec.inputs is not None else list(km.inputs or ())
            outs = rec.outputs if rec is not None and rec.outputs is not None else list(km.outputs or ())
            fact.inputs = [self.tensor(t) for t in ins]
            fact.outputs = [self.tensor(t) for t in outs]
            for kt, t in zip(ins, fact.inputs):
                op = getattr(getattr(kt, "_keras_history", None), "operation", None)
                if t.is_input and op is not None:
                    fact.extra_layers.append(self.layer(op))
            if self.labels is not None and kind == "functional" and site is not None:
                in_labels, in_sites, out_labels, out_sites = self.labels.model_arguments(site)
                if len(in_labels) == len(fact.inputs):
                    fact.input_labels, fact.input_sites = in_labels, in_sites
                if len(out_labels) == len(fact.outputs):
                    fact.output_labels, fact.output_sites = out_labels, out_sites
        else:
            try:
                fact.extra_layers = [self.layer(l) for l in km.layers]
            except Exception:
                pass
            if kind == "sequential":
                self._sequential_chain(km, fact)
        if rec is not None and rec.kind == "application":
            fact.app_args = {k: _tupled(v) for k, v in rec.app_args.items()}
            fact.application = rec.application
            fact.include_top = rec.include_top
            fact.pooling = rec.pooling
            single = len(fact.outputs or ()) == 1
            for t in fact.outputs or ():
                t.owner_model = fact
                if t.library_made:
                    t.label = f"{fact.label}.output" if single else t.label
                if rec.include_top is False and rec.pooling is None and t.rank == 4:
                    t.feature_map_of = fact
            for t in fact.inputs or ():
                t.owner_model = fact
                if t.library_made and len(fact.inputs or ()) == 1:
                    t.label = f"{fact.label}.input"
        self.facts.models.append(fact)
        return fact


def _plain_shape(shape: Any) -> Optional[tuple]:
    if shape is None:
        return None
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        return None


def _tupled(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_tupled(v) for v in value)
    return value


# What the shape rules read of a traced layer's config (plain values only).
_CONFIG_KEYS = ("units", "activation", "axis", "target_shape", "dims", "return_sequences", "return_state")


def _shape_config(op: Any) -> Optional[dict[str, Any]]:
    try:
        config = op.get_config()
    except Exception:
        return None
    if not isinstance(config, dict):
        return None
    out: dict[str, Any] = {}
    for key in _CONFIG_KEYS:
        value = config.get(key)
        if key in config and (value is None or isinstance(value, (bool, int, str, list, tuple))):
            out[key] = _tupled(value)
    return out


def loss_names(loss: Any) -> Any:
    """``model.loss`` as loss names (see graph.Compile.loss), or None."""
    import re as _re

    if isinstance(loss, str):
        return loss
    if isinstance(loss, (list, tuple)):
        items = [loss_names(x) for x in loss]
        return None if any(i is None for i in items) else items
    if isinstance(loss, dict):
        named = {k: loss_names(v) for k, v in loss.items()}
        return None if any(v is None for v in named.values()) else named
    if callable(loss):
        cls = type(loss)
        if cls.__module__.startswith("keras") and not isinstance(loss, type(loss_names)):
            return _re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls.__name__).lower()
        name = getattr(loss, "__name__", None)
        module = getattr(loss, "__module__", "") or ""
        if isinstance(name, str) and module.startswith("keras"):
            return name
    return None


def _walk_values(value: Any, depth: int = 0) -> Iterable[Any]:
    """Objects held by a builder's return value (lists, tuples, dicts)."""
    yield value
    if depth > 3:
        return
    if isinstance(value, (list, tuple, set)):
        for v in value:
            yield from _walk_values(v, depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk_values(v, depth + 1)


def facts_from_models(
    models: Iterable[Any] = (),
    *,
    path: Optional[str] = None,
    recorder: Optional["Recorder"] = None,
    labels: Optional["LabelIndex"] = None,
    partial: bool = False,
    module_globals: Optional[dict[str, Any]] = None,
) -> Facts:
    """Facts for Keras models (and, with a recorder, everything a trace built).

    ``partial``: a builder (or the import) raised, so the trace stopped early;
    tensors and layers that look unused may only be unused because the code
    that would have used them never ran, and are marked used.
    """
    models = list(models)
    if path is None:
        path = f"<model {models[0].name}>" if models else "<model>"
    builder = _FactsBuilder(path, recorder, labels, Site(path, 0, 0))
    builder.module_globals = module_globals
    for m in models:
        builder.include_model(m)
    if recorder is not None:
        for rec in recorder.models.values():
            # A model Keras rejected is still a fact when its inputs and
            # outputs are tensors: the graph rules then explain the error
            # (KG101, KG304) with source names, at the same site.
            if rec.ok or (
                rec.raised
                and rec.inputs
                and rec.outputs
                and all(isinstance(t, builder.K_Tensor) for t in rec.inputs + rec.outputs)
            ):
                builder.include_model(rec.model)
        for c in recorder.compiles:
            builder.include_model(c.model)
        for f in recorder.fits:
            builder.include_model(f.model)
        for nrec in recorder.nodes.values():
            if not nrec.library:
                builder.include_node(nrec.node)
    builder.discover()
    # Nodes in creation order when known (deterministic output).
    order = {nid: i for i, nid in enumerate(recorder.nodes)} if recorder is not None else {}
    for nid in sorted(builder.keras_nodes, key=lambda n: order.get(n, len(order))):
        builder.node(builder.keras_nodes[nid])
    for km in builder.keras_models.values():
        builder.model(km)
    if recorder is not None:
        for c in recorder.compiles:
            builder.facts.compiles.append(
                Compile(
                    model=builder.model(c.model),
                    site=c.site,
                    trainable={builder.layer(layer): flag for layer, flag in c.trainable},
                    loss=loss_names(getattr(c, "loss", None)),
                    when=When(c.order, via=c.via),
                )
            )
        _training_events(builder, recorder)
        _mark_usage(builder, recorder, partial)
    else:
        # check_model(): a model compiled by the caller still tells its loss
        # (trainable flags at compile time are unknown here).
        for km in models:
            loss = loss_names(getattr(km, "loss", None)) if getattr(km, "compiled", False) else None
            if loss is not None:
                builder.facts.compiles.append(Compile(model=builder.model(km), site=builder.unknown, loss=loss))
    return builder.facts


def _training_events(builder: _FactsBuilder, recorder: "Recorder") -> None:
    """Fits and ``trainable`` changes as facts (KG501).

    A change is kept when it touched a layer or model the facts know (those of
    compiled and fitted models): the others cannot matter to a training step.
    """
    for f in recorder.fits:
        model = builder.model(f.model)
        builder.facts.fits.append(
            Fit(
                model=model,
                site=f.site,
                when=When(f.order, via=f.via),
                trainable={builder.layer(layer): flag for layer, flag in f.trainable},
                model_trainable={model: f.model_trainable},
            )
        )
    from kgraphlint.trace.hooks import _effective_trainability

    for t in recorder.trainable_changes:
        if t.site is None:
            continue
        touched = [t.obj] + [layer for layer, _ in _effective_trainability(t.obj)]
        layers = [builder.layers[id(x)] for x in touched if id(x) in builder.layers]
        changed_model = builder.models.get(id(t.obj))
        if not layers and changed_model is None:
            continue
        target = builder.labels.trainable_target(t.site) if builder.labels is not None else None
        builder.facts.trainable_changes.append(
            TrainableChange(
                site=t.site,
                when=When(t.order, via=t.via),
                target=target or str(getattr(t.obj, "name", "layer")),
                value=t.value,
                layers=layers,
                models=[changed_model] if changed_model is not None else [],
            )
        )


def _mark_usage(builder: _FactsBuilder, recorder: "Recorder", partial: bool) -> None:
    facts = builder.facts
    returned = {id(v) for r in recorder.returned for v in _walk_values(r)}
    # Tensors consumed by Keras nodes that are not in the facts (Keras's own
    # plumbing) or returned by a builder are used, whatever the graph says.
    consumed: set[int] = set()
    for nrec in recorder.nodes.values():
        if id(nrec.node) not in builder.keras_nodes:
            consumed.update(id(t) for t in nrec.node.input_tensors)
    for kid, t in builder.tensors.items():
        if partial or kid in consumed or kid in returned:
            t.used = True
    # A result nothing consumes may still be kept: in a module-level variable,
    # a dict, a list, an attribute.  Then it is not dangling (KG103).
    _mark_stored_tensors(builder, partial)
    # Layers in the facts are used (called, part of a model, compiled...).
    for fact in builder.layers.values():
        fact.used = True
    if partial:
        return  # code that would have used a layer may not have run
    # A layer created directly in the traced file is "never used" (KG203) when,
    # once the builders are done, nothing but garbage refers to it (not a
    # node, model, wrapper, list, global, attribute or return value) and it was
    # not handed to another layer's constructor.  The recorder only holds such
    # layers weakly, so a collection tells.
    import gc

    if any(rec.weak for rec in recorder.all_op_records()):
        gc.collect()
    for rec in recorder.all_op_records():
        if not rec.weak or rec.op is not None or rec.site is None or rec.site.path != facts.path:
            continue
        if rec.op_id in recorder.passed or rec.op_id in recorder.called:
            continue
        label = builder.labels.label(rec.site) if builder.labels is not None else None
        fact = Layer(
            class_name=rec.class_name,
            created_at=rec.site,
            label=label,
            library_made=False,
            used=False,
        )
        facts.layers.append(fact)


def _globals_read_by_functions(namespace: dict[str, Any]) -> set[str]:
    """Global names that the functions (and methods) defined in a module read."""
    import inspect

    names: set[str] = set()
    module = namespace.get("__name__")
    codes = []
    for value in namespace.values():
        if inspect.isfunction(value) and value.__module__ == module:
            codes.append(value.__code__)
        elif inspect.isclass(value) and value.__module__ == module:
            codes.extend(v.__code__ for v in vars(value).values() if inspect.isfunction(v))
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    return names


def _mark_stored_tensors(builder: _FactsBuilder, partial: bool) -> None:
    if partial:
        return
    facts = builder.facts
    consumed = {id(t) for node in facts.nodes for t in node.inputs}
    outputs = {id(t) for m in facts.models for t in (m.outputs or ())}
    fact_ids = {id(f): kid for kid, f in builder.tensors.items()}
    candidates = [
        t
        for t in facts.tensors
        if t.producer is not None
        and not t.library_made
        and t.used is None
        and id(t) not in consumed
        and id(t) not in outputs
    ]
    if not candidates:
        return

    module_globals = builder.module_globals
    read_globals = _globals_read_by_functions(module_globals) if module_globals is not None else set()

    for t in candidates:
        kt = builder.keras_tensors.get(fact_ids[id(t)])
        history: Any = getattr(kt, "_keras_history", None)  # None fails below as an AttributeError
        knode = None
        try:
            knode = history.operation._inbound_nodes[history.node_index]
        except (AttributeError, IndexError):
            pass
        node_outputs = getattr(knode, "outputs", None)
        # Objects made after the worker started (gc.freeze) are all visible.
        if _held_elsewhere(kt, (node_outputs, builder.keras_tensors), module_globals, read_globals):
            t.used = True


def _held_elsewhere(kt: Any, ignored: tuple, module_globals: Optional[dict[str, Any]], read_globals: set[str]) -> bool:
    """Whether anything but Keras's own node and our bookkeeping refers to ``kt``.

    Plain loops only: a comprehension mentioning ``kt`` would put it in a
    closure cell, itself a referrer.
    """
    import gc

    for holder in gc.get_referrers(kt):
        if isinstance(holder, FrameType):
            continue
        skip = False
        for known in ignored:
            if holder is known:
                skip = True
        if skip:
            continue
        if holder is module_globals:
            # A module-level variable is a name, not a use (as in the static
            # engine), unless a function of the module reads that global.
            for name, value in module_globals.items():
                if value is kt and name in read_globals:
                    return True
            continue
        return True
    return False


def check_model(model: Any) -> list[Finding]:
    """Run the graph rules on a Keras model object the caller already has.

    Sites are unknown here (see the module docstring): findings point at
    ``<model NAME>`` line 0 and name layers and tensors by their Keras names.
    """
    from kgraphlint.rules import selected_rules

    facts = facts_from_models([model])
    findings: list[Finding] = []
    for rule in selected_rules(None, None):
        if not rule.source_rule:
            findings.extend(rule.check(facts))
    return sorted(findings, key=Finding.sort_key)


def _owns_trainable_weights(op: Any) -> Optional[bool]:
    """Whether the layer (or a layer inside it) created trainable weights.

    Non-trainable state (``Normalization``'s mean and variance) is not shared
    training; freezing (``trainable = False``) does not make a layer
    weightless, so the variables' creation flags are read, not the layer's.
    """
    try:
        inner = list(op._flatten_layers(include_self=True, recursive=True))
        return any(getattr(layer, "_trainable_variables", None) for layer in inner)
    except Exception:
        try:
            return bool(op.weights)
        except Exception:
            return None
