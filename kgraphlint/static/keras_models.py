"""Keras semantics, models: Model/Sequential/applications, model attributes and methods, trainable state."""

from __future__ import annotations

import ast
from typing import Any, Optional

import libcst as cst

from kgraphlint import graph
from kgraphlint.static import catalogue, shapes
from kgraphlint.vocab.methods import RUN_METHODS, TRAIN_METHODS
from kgraphlint.static.values import (
    UNKNOWN,
    BoundMethod,
    Const,
    DictV,
    Ref,
    SeqV,
    UnionV,
    Value,
    options,
    truthiness,
)
from kgraphlint.static.keras_values import (
    LayerOfModelV,
    LayerV,
    ModelLayersV,
    ModelV,
    TensorV,
    UnknownLayer,
    UnknownObject,
)
from kgraphlint.static.keras_layers import KerasLayersMixin, _has_graph_value, _pin
from kgraphlint.static.syntax import _literal_elements
from kgraphlint.static.value_ops import _flat_items, _is_data


def _and3(a: Optional[bool], b: Optional[bool]) -> Optional[bool]:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _loss_names(value: Value) -> Any:
    """compile(loss=...) as loss names (see graph.Compile.loss), or None."""
    if isinstance(value, Const):
        if isinstance(value.value, shapes.LossName):
            return str(value.value)
        return value.value if isinstance(value.value, str) else None
    if isinstance(value, Ref):
        canon = catalogue.canonical(value.path)
        if canon.startswith("keras.losses."):
            last = canon.rsplit(".", 1)[-1]
            return last if last[:1].islower() else None
        return None
    if isinstance(value, SeqV) and value.exact:
        items = [_loss_names(v) for v in value.items]
        return None if any(i is None for i in items) else items
    if isinstance(value, DictV) and value.exact:
        by_key = {k: _loss_names(v) for k, v in value.items.items()}
        return None if any(i is None for i in by_key.values()) else by_key
    return None


class KerasModelsMixin(KerasLayersMixin):
    """Keras semantics, models: Model/Sequential/applications, model attributes and methods, trainable state."""

    def note_model_read(self, value: Value) -> None:
        """Remember when a model was last read (KG302 tells a model handed on
        after training from one still in use)."""
        for opt in options(value):
            if isinstance(opt, ModelV):
                opt.fact.last_read_order = self.tick()

    def model_attribute(self, mv: ModelV, name: str, node: cst.CSTNode) -> Value:
        model = mv.fact
        if name in ("input", "inputs"):
            if model.inputs is None:
                return UNKNOWN
            values: list[Value] = [self.tensor_value(t) for t in model.inputs]
            for t in model.inputs:
                if t.label is None:
                    t.label = self.code(node) if len(model.inputs) == 1 else None
            if name == "input" and len(values) == 1:
                return values[0]
            return SeqV(values, exact=True)
        if name in ("output", "outputs"):
            if model.outputs is None:
                return UNKNOWN
            values = [self.tensor_value(t) for t in model.outputs]
            for t in model.outputs:
                if t.label is None and len(model.outputs) == 1:
                    t.label = self.code(node)
            if name == "output" and len(values) == 1:
                return values[0]
            return SeqV(values, exact=True)
        if name == "layers":
            return ModelLayersV(mv, partial=False)
        if name == "name" and model.label:
            return UNKNOWN
        return BoundMethod(mv, name)

    def call_model(self, mv: ModelV, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        model = mv.fact
        as_layer = self.model_as_layer(mv)
        tensors: list[graph.Tensor] = []
        opaque = not args and "inputs" not in kwargs
        for value, expr in args[:1] + ([kwargs["inputs"]] if "inputs" in kwargs else []):
            ts, op = self.input_tensors(value, expr, role=f"input of model `{model.display()}`")
            tensors.extend(ts)
            opaque = opaque or op
        n_out = len(model.outputs) if model.outputs else 1
        result = self.apply_node(as_layer, tensors, opaque, node, n_outputs=n_out, data_input=bool(args) and _is_data(args[0][0]))
        if model.application and model.include_top is False and model.pooling is None and isinstance(result, TensorV):
            result.fact.feature_map_of = model
            result.fact.rank = 4
        return result

    def model_as_layer(self, mv: ModelV) -> graph.Layer:
        """The Layer fact that stands for a model used inside another model."""
        if mv.as_layer is None:
            model = mv.fact
            mv.as_layer = graph.Layer(
                class_name=model.application or "Model",
                created_at=model.site,
                label=model.label,
                weighted=None,
                model=model,
                used=True,
            )
            self.facts.layers.append(mv.as_layer)
        return mv.as_layer

    def tick(self) -> int:
        """The next step of the program's (abstract) execution order."""
        self._clock += 1
        return self._clock

    def new_model(self, model: graph.Model) -> ModelV:
        self.facts.models.append(model)
        model.built_order = self.tick()
        # The scope that builds it, and the ones that called that scope.
        if self.in_module_body:
            self.model_scopes.add(None)
        self.model_scopes.update(id(fn) for fn in self.inline_stack)
        self._mark_caller(self.builder_nodes)
        return ModelV(model)

    def _mark_caller(self, marks: set[int]) -> None:
        """Mark the innermost function being interpreted (it builds a model, or
        trains one) and, when that is a helper of another module, the
        innermost function of this file that called it: the tracer calls
        functions of the checked file."""
        for fn in reversed(self.inline_stack):
            marks.add(id(fn))
            if id(fn) in self.own_functions:
                return

    def model_io(self, value: Value, expr: cst.CSTNode, role: str):
        """Tensors, labels and sites of a Model(...) inputs/outputs argument."""
        if not _has_graph_value(value) and not isinstance(value, SeqV):
            return None, [], []
        elements = _literal_elements(expr)
        tensors: list[graph.Tensor] = []
        labels: list[str] = []
        sites: list[Optional[graph.Site]] = []
        items = list(_flat_items(value, with_index=True))
        keyed = _dict_entries(value, expr)
        if keyed is not None:
            # A dict of inputs/outputs: each one is named by its key
            # (`inputs["image"]`) or, in a literal, by its own expression.
            items = [(item_value, None) for item_value, _, _ in keyed]
        for index, (item_value, position) in enumerate(items):
            if keyed is not None:
                _, key, value_expr = keyed[index]
                item_expr = value_expr or expr
                label = self.code(value_expr) if value_expr is not None else f"{self.code(expr)}[{_key_code(key)}]"
            elif elements is not None and position is not None and position < len(elements):
                item_expr = elements[position]
                label = self.code(item_expr)
            else:
                item_expr = expr
                label = self.code(expr) if len(items) == 1 else f"{self.code(expr)}[{position}]"
            tensor = self.as_tensor(item_value, item_expr, role)
            if tensor is None:
                placeholder = self.new_tensor(self.site(item_expr), opaque=True, symbolic=False)
                placeholder.fact.used = True
                tensor = placeholder.fact
            tensors.append(tensor)
            labels.append(label)
            sites.append(self.site(item_expr))
        if isinstance(value, SeqV) and not value.exact:
            placeholder = self.new_tensor(self.site(expr), opaque=True, symbolic=False)
            tensors.append(placeholder.fact)
            labels.append(self.code(expr))
            sites.append(self.site(expr))
        return tensors, labels, sites

    def create_functional(self, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        inputs = args[0] if len(args) > 0 else kwargs.get("inputs")
        outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
        if inputs is None or outputs is None:
            return self.new_model(graph.Model(kind="unknown", site=self.site(node)))
        model = graph.Model(kind="functional", site=self.site(node))
        model.inputs, model.input_labels, model.input_sites = self.model_io(inputs[0], inputs[1], "model input")
        model.outputs, model.output_labels, model.output_sites = self.model_io(outputs[0], outputs[1], "model output")
        for t in model.inputs or ():
            input_layer = self.input_layers.get(id(t))
            if input_layer is not None:
                model.extra_layers.append(input_layer)
        if model.inputs is None or model.outputs is None:
            model.inputs = model.inputs if model.outputs is not None else None
            model.outputs = None if model.inputs is None else model.outputs
            if model.inputs is None or model.outputs is None:
                model.kind = "unknown"
        for t in model.outputs or ():
            t.used = True
        return self.new_model(model)

    def create_sequential(self, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        model = graph.Model(kind="sequential", site=self.site(node))
        model.chain_complete = not self.speculative
        mv = self.new_model(model)
        layers = args[0] if args else kwargs.get("layers")
        if layers is not None and not (isinstance(layers[0], SeqV) and layers[0].exact):
            model.chain_complete = False
        if layers is not None:
            elements = _literal_elements(layers[1])
            for item, position in _flat_items(layers[0], with_index=True):
                expr = elements[position] if elements is not None and position is not None and position < len(elements) else layers[1]
                self.sequential_add(mv, item, expr)
        return mv

    def sequential_add(self, mv: ModelV, value: Value, expr: cst.CSTNode) -> None:
        self.chain_add(mv.fact, value, expr)
        for opt in options(value):
            if isinstance(opt, TensorV) and opt.fact.producer is not None:
                self.kind_event(graph.Misuse.TENSOR_AS_LAYER, expr, opt, role="given to a Sequential model", value_kind="tensor")
            elif isinstance(opt, LayerV):
                opt.fact.used = True
                mv.fact.extra_layers.append(opt.fact)
            elif isinstance(opt, ModelV):
                # ``Sequential([generator, discriminator])``: a model as a layer.
                mv.fact.extra_layers.append(self.model_as_layer(opt))

    def create_application(self, name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        self.mark_args_used(args, kwargs)
        include_top = _kw_const(kwargs, "include_top", True)
        pooling = _kw_const(kwargs, "pooling", None)
        model = graph.Model(
            kind="application",
            site=self.site(node),
            application=name,
            include_top=include_top if isinstance(include_top, bool) else None,
            pooling=pooling if isinstance(pooling, str) else None,
        )
        if pooling is _UNSET_MARK:
            model.pooling = "unknown"
        if not star_unknown and not args and self.default_format == "channels_last":
            model.app_args = {k: _pin(v) for k, (v, _) in kwargs.items()}
        input_kw = kwargs.get("input_tensor")
        site = self.site(node)
        if input_kw is not None and isinstance(input_kw[0], TensorV):
            given = input_kw[0]
            root = given.fact
            if root.is_input:
                model.inputs = [root]
            else:
                model.inputs = [self.new_tensor(site, opaque=True, symbolic=False).fact]
            image = root
        elif input_kw is not None and not (isinstance(input_kw[0], Const) and input_kw[0].value is None):
            model.inputs = [self.new_tensor(site, opaque=True, symbolic=False).fact]
            image = model.inputs[0]
        else:
            inp = self.new_tensor(site, is_input=True, symbolic=True)
            inp.fact.library_made = True
            inp.fact.owner_model = model
            inp.fact.used = None
            model.inputs = [inp.fact]
            image = inp.fact
        backbone = graph.Layer(
            class_name=name, created_at=site, library_made=True, weighted=True, used=True,
        )
        self.facts.layers.append(backbone)
        model.extra_layers.append(backbone)
        call = graph.Node(layer=backbone, inputs=[image], called_at=site)
        backbone.nodes.append(call)
        self.facts.nodes.append(call)
        out = self.new_tensor(site, producer=call, symbolic=True)
        out.fact.library_made = True
        out.fact.owner_model = model
        out.fact.used = True
        if model.include_top is False and pooling is None:
            out.fact.feature_map_of = model
            out.fact.rank = 4
        if model.app_args or (not star_unknown and not args and not kwargs):
            in_shape, out_shape = shapes.application_shapes(name, model.app_args, image.shape)
            if image.shape is None and model.inputs and model.inputs[0] is image and image.library_made:
                self.set_shape(image, in_shape)
            self.set_shape(out.fact, out_shape)
        call.outputs.append(out.fact)
        model.outputs = [out.fact]
        return self.new_model(model)

    def chain_add(self, model: graph.Model, value: Value, expr: cst.CSTNode) -> None:
        """``Sequential([...])`` / ``model.add(x)``: the call Keras will make."""
        if self.uncertain or self.speculative or isinstance(value, UnionV):
            model.chain_complete = False
        current = self._chain_shape.get(id(model))
        if isinstance(value, TensorV) and value.fact.is_input and not model.chain:
            # ``Sequential([keras.Input(shape=(28, 28)), ...])``
            self._chain_shape[id(model)] = value.fact.shape
            return
        if isinstance(value, ModelV):
            layer = self.model_as_layer(value)
        elif isinstance(value, LayerV):
            layer = value.fact
        else:
            model.chain_complete = False
            self._chain_shape[id(model)] = None
            return
        if not model.chain and id(model) not in self._chain_shape:
            current = _declared_input_shape(layer.config)
            if layer.class_name == "InputLayer":
                self._chain_shape[id(model)] = current
                return
        if model.chain and model.chain[-1].outputs[0].shape == current:
            inp = model.chain[-1].outputs[0]
        else:
            inp = graph.Tensor(shape=current, rank=None if current is None else len(current))
        call = graph.Node(layer=layer, inputs=[inp], called_at=self.site(expr))
        out_shapes = None if current is None or not model.chain_complete else self.call_shapes(layer, [inp])
        out = graph.Tensor(producer=call, site=self.site(expr))
        if out_shapes is not None and len(out_shapes) == 1:
            self.set_shape(out, out_shapes[0])
        call.outputs.append(out)
        model.chain.append(call)
        self._chain_shape[id(model)] = out.shape

    def model_method(self, mv: ModelV, name: str, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        model = mv.fact
        if name in RUN_METHODS:
            if name in TRAIN_METHODS:
                model.trained = True
                model.trained_orders.append(self.tick())
                self.training.fitted(model, node)
            else:
                model.evaluated = True
        if name == "compile":
            loss = kwargs.get("loss") or (args[1] if len(args) > 1 else None)
            self.facts.compiles.append(
                graph.Compile(
                    model=model, site=self.site(node), trainable=self.trainable_snapshot(model),
                    loss=None if loss is None or self.uncertain else _loss_names(loss[0]),
                    when=self.training.when(),
                )
            )
            return Const(None)
        if name == "add" and args:
            if model.kind == "sequential":
                self.sequential_add(mv, args[0][0], args[0][1])
            self.training.built_from(model, [o for o in options(args[0][0]) if isinstance(o, UnknownObject)])
            return Const(None)
        if name == "pop" and model.kind == "sequential":
            model.chain_complete = False
            self._chain_shape[id(model)] = None
        if name == "get_layer":
            key = args[0][0] if args else (kwargs.get("name") or kwargs.get("index") or (UNKNOWN, None))[0]
            if isinstance(key, Const):
                for layer in graph.model_layers(model) if model.kind == "functional" else ():
                    if layer.name == key.value:
                        return LayerV(layer)
                if model.kind in ("application", "functional"):
                    return self.layer_of_model(mv, ("name", key.value), node)
            return UNKNOWN
        if name == "__call__":
            return self.call_model(mv, args, kwargs, node)
        return UNKNOWN

    def unknown_object_method(self, obj: UnknownObject, name: str, args, kwargs, node) -> Value:
        """The training methods of an object the engine cannot pin down
        (see :mod:`kgraphlint.static.training`)."""
        self.mark_args_used(args, kwargs)
        if name in TRAIN_METHODS:
            self.training.fitted(obj.fact, node)
        elif name == "compile":
            self.training.compiled_unknown(obj, node)
        elif name == "add" and args:
            self.training.built_from(obj.fact, [o for o in options(args[0][0]) if isinstance(o, UnknownObject)])
        elif name == "get_layer":
            return UnknownLayer(obj, partial=True)
        return UNKNOWN

    def layer_owner(self, layer: graph.Layer) -> Optional[graph.Model]:
        """The model a ``base.layers[i]`` / ``base.get_layer(..)`` layer was taken from."""
        return self._layer_owner.get(id(layer))

    def set_trainable(self, target: Value, value: Value) -> None:
        targets = options(target)
        state = truthiness(value)
        if self.uncertain or len(targets) > 1:
            state = None
        for opt in targets:
            if isinstance(opt, LayerV):
                self.trainable[id(opt.fact)] = state
                if opt.fact.model is not None:
                    self._set_model_trainable(opt.fact.model, state)
            elif isinstance(opt, ModelV):
                self._set_model_trainable(opt.fact, state)
            elif isinstance(opt, LayerOfModelV):
                self._set_layers_trainable(opt.model.fact, None if opt.partial else state)

    def _set_model_trainable(self, model: graph.Model, state: Optional[bool]) -> None:
        self.model_trainable[id(model)] = state
        self._set_layers_trainable(model, state)

    def _set_layers_trainable(self, model: graph.Model, state: Optional[bool]) -> None:
        for layer, _ in graph.sublayers(model):
            self.trainable[id(layer)] = state
            if layer.model is not None:
                self.model_trainable[id(layer.model)] = state

    def trainable_snapshot(self, model: graph.Model) -> dict[graph.Layer, Optional[bool]]:
        snapshot: dict[graph.Layer, Optional[bool]] = {}
        for layer, wrappers in graph.sublayers(model):
            state = self.trainable.get(id(layer), True)
            for wrapper in wrappers:
                assert wrapper.model is not None
                state = _and3(state, self.model_trainable.get(id(wrapper.model), True))
            if layer in snapshot and snapshot[layer] != state:
                state = None
            snapshot[layer] = state
        return snapshot


def _key_code(key: Any) -> str:
    """A dict key as users write it (``"image"``, not ``'image'``)."""
    if isinstance(key, str) and '"' not in key and "\\" not in key:
        return f'"{key}"'
    return repr(key)


def _dict_entries(value: Value, expr: cst.CSTNode) -> Optional[list[tuple[Value, Any, Optional[cst.CSTNode]]]]:
    """(item, key, value expression in a dict literal or None) of a dict value."""
    if not isinstance(value, DictV):
        return None
    literal: dict[Any, cst.CSTNode] = {}
    if isinstance(expr, cst.Dict):
        for el in expr.elements:
            if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString):
                try:
                    literal[ast.literal_eval(el.key.value)] = el.value
                except (ValueError, SyntaxError):
                    pass
    return [(item, key, literal.get(key)) for key, item in value.items.items()]


_UNSET_MARK = object()


def _kw_const(kwargs, name: str, default: Any) -> Any:
    if name not in kwargs:
        return default
    value = kwargs[name][0]
    if isinstance(value, Const):
        return value.value
    return _UNSET_MARK


def _declared_input_shape(config: Optional[dict[str, Any]]) -> Optional[graph.Shape]:
    """``input_shape=`` / ``batch_input_shape=`` / InputLayer ``shape=`` of a layer."""
    if not config:
        return None
    for key in ("batch_shape", "batch_input_shape"):
        if key in config:
            return shapes.input_shape(batch_shape=config[key])
    for key in ("shape", "input_shape"):
        if key in config:
            batch = config.get("batch_size")
            return shapes.input_shape(shape=config[key], batch_size=batch)
    return None
