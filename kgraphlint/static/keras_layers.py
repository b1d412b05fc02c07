"""Keras semantics, layers and tensors: Input, layer creation and calls, merges, ops, shapes, kind misuse events."""

from __future__ import annotations

from typing import Any, Optional

import libcst as cst

from kgraphlint import graph
from kgraphlint.static import catalogue, shapes
from kgraphlint.vocab.layer_kinds import RANK_PRESERVING
from kgraphlint.static.values import (
    EAGER,
    UNKNOWN,
    BoundMethod,
    ClassV,
    Const,
    FuncV,
    Ref,
    SeqV,
    UnionV,
    Value,
    options,
    truthiness,
)
from kgraphlint.static.keras_values import LayerOfModelV, LayerV, ModelV, TensorV
from kgraphlint.static.state import InterpreterState
from kgraphlint.static.syntax import _literal_elements
from kgraphlint.static.value_ops import _all_args, _flat_items, _is_data


# Keyword arguments of a layer call that say how it runs, not what it computes.
_CALL_CONTEXT_KEYWORDS = frozenset({"training", "mask"})


class KerasLayersMixin(InterpreterState):
    """Keras semantics, layers and tensors: Input, layer creation and calls, merges, ops, shapes, kind misuse events."""

    def settle_configured(self) -> None:
        """A layer only configured (``norm.adapt(data)``) where no model is
        built is worked with as an object (a test, a utility): it is used.
        Where a model is built, it was meant for that model and is forgotten."""
        for layer, scope in self.configured_layers:
            if scope not in self.model_scopes:
                layer.used = True

    def layer_attribute(self, lv: LayerV, name: str, node: cst.CSTNode) -> Value:
        layer = lv.fact
        if name == "output":
            if layer.nodes and layer.nodes[0].outputs:
                return self.tensor_value(layer.nodes[0].outputs[0])
            if lv.output_hint is not None:
                if lv.output_hint.fact.label is None:
                    lv.output_hint.fact.label = self.code(node)
                return lv.output_hint
            return UNKNOWN
        if name == "input":
            if layer.nodes and layer.nodes[0].inputs:
                return self.tensor_value(layer.nodes[0].inputs[0])
            return UNKNOWN
        if name == "name" and layer.name is not None:
            return Const(layer.name)
        return BoundMethod(lv, name)

    def layer_of_model(self, mv: ModelV, index: Any, node: cst.CSTNode) -> Value:
        """``base.layers[i]`` / ``base.get_layer(..)``: a layer built elsewhere."""
        cache_key = (id(mv), index)
        cached = self._layer_of_index.get(cache_key)
        if cached is not None:
            return cached
        model = mv.fact
        fact = graph.Layer(
            class_name="Layer",
            created_at=model.site,
            label=self.code(node),
            library_made=True,
        )
        lv = LayerV(fact)
        self._layer_owner[id(fact)] = model
        if model.inputs is not None:
            # Its output depends on the model's inputs (on one of them at
            # least: alternatives make that "possibly each, surely none").
            hint_node = graph.Node(layer=fact, inputs=list(model.inputs), called_at=model.site)
            if len(model.inputs) == 1:
                out = self.new_tensor(self.site(node), producer=hint_node, symbolic=True)
            else:
                out = self.new_tensor(self.site(node), alternatives=tuple(model.inputs), symbolic=True)
            out.fact.library_made = True
            out.fact.used = True
            if model.application and model.include_top is False and model.pooling is None:
                # Every layer of a convolutional backbone without its top and
                # without pooling outputs a 4-D feature map.
                out.fact.feature_map_of = model
                out.fact.rank = 4
            lv.output_hint = out
        if index is not None:
            self._layer_of_index[cache_key] = lv
        return lv

    def check_backend_call(self, node: cst.Call, args, kwargs) -> None:
        if self.keras2:
            # Keras 2 wraps a TF op on a Keras tensor in a layer: legal there.
            return
        for value, expr in list(args) + list(kwargs.values()):
            for item in _flat_items(value):
                if isinstance(item, TensorV) and item.symbolic:
                    # Reported at the call (its first line is where Keras
                    # raises), naming the tensor argument.
                    self.kind_event(
                        graph.Misuse.BACKEND_OP_ON_SYMBOLIC, node, item,
                        role=f"argument of {self.code(node.func)}",
                        value_kind="symbolic tensor",
                        what_expr=expr,
                    )
                    return

    def create_layer(self, class_name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        weighted = catalogue.layer_weighted(class_name)
        if class_name in catalogue.WRAPPER_LAYERS:
            inner = args[0] if args else kwargs.get("layer")
            if inner is not None:
                value, expr = inner
                wrapped_tensor = False
                for opt in options(value):
                    if isinstance(opt, TensorV) and opt.fact.producer is not None:
                        self.kind_event(
                            graph.Misuse.TENSOR_AS_LAYER, expr, opt, role=f"wrapped by {class_name}", value_kind="tensor",
                        )
                        wrapped_tensor = True
                if wrapped_tensor:
                    # Keras raises here: what follows is not a layer to reason about.
                    self.mark_args_used(args, kwargs)
                    return UNKNOWN
                if isinstance(value, LayerV):
                    weighted = value.fact.weighted
                elif isinstance(value, ModelV):
                    weighted = None
        self.mark_args_used(args, kwargs)
        lv = self.new_layer(class_name, node, kwargs, weighted=weighted)
        if not star_unknown:
            lv.fact.config = _layer_config(class_name, args, kwargs)
            if self.default_format is None:
                # The program may switch the image data format: not pinned down.
                lv.fact.config.setdefault("data_format", shapes.UNPINNED)
        return lv

    def new_layer(self, class_name, node, kwargs, *, weighted, is_input_layer=False) -> LayerV:
        name = None
        name_kw = kwargs.get("name")
        if name_kw is not None and isinstance(name_kw[0], Const) and isinstance(name_kw[0].value, str):
            if not self.speculative:
                name = name_kw[0].value
        fact = graph.Layer(
            class_name=class_name,
            created_at=self.site(node),
            name=name,
            weighted=weighted,
            used=False,
            branch_path=tuple(self.branch_path),
            calls=self.training.call_sites(),
        )
        self.facts.layers.append(fact)
        trainable_kw = kwargs.get("trainable")
        if trainable_kw is not None:
            # ``Embedding(..., trainable=False)``: frozen from birth.
            self.trainable[id(fact)] = None if self.uncertain else truthiness(trainable_kw[0])
        return LayerV(fact, is_input_layer=is_input_layer)

    def input_tensors(self, value: Value, expr: cst.CSTNode, role: str) -> tuple[list[graph.Tensor], bool]:
        """Tensors in a call argument; reports layers found where tensors belong.

        Returns the tensors and whether something could not be pinned down.
        """
        tensors: list[graph.Tensor] = []
        opaque = False
        elements = _literal_elements(expr)
        for item in _flat_items(value, with_index=True):
            item_value, position = item
            item_expr = elements[position] if elements is not None and position is not None and position < len(elements) else expr
            tensor = self.as_tensor(item_value, item_expr, role)
            if tensor is None:
                opaque = True
            else:
                tensors.append(tensor)
        if isinstance(value, SeqV) and not value.exact:
            opaque = True
        return tensors, opaque

    def as_tensor(self, value: Value, expr: cst.CSTNode, role: str) -> Optional[graph.Tensor]:
        """The tensor fact a value stands for, or None (unknown)."""
        if isinstance(value, TensorV):
            return value.fact
        if isinstance(value, LayerV):
            self.kind_event(
                graph.Misuse.LAYER_AS_TENSOR, expr, value, role=role,
                value_kind="input-layer" if value.is_input_layer else "layer",
            )
            return None
        if isinstance(value, LayerOfModelV):
            # ``[layer for layer in base.layers]`` given as outputs.
            self.kind_event(graph.Misuse.LAYER_AS_TENSOR, expr, value, role=role, value_kind="layer")
            return None
        if isinstance(value, UnionV):
            parts = [self.as_tensor(o, expr, role) for o in value.options]
            if any(p is None for p in parts):
                return None
            t = self.new_tensor(self.site(expr), alternatives=tuple(parts), symbolic=True)
            t.fact.used = True
            return t.fact
        return None

    def call_layer(self, lv: LayerV, args, kwargs, node) -> Value:
        layer = lv.fact
        layer.used = True
        self.mark_args_used(args, kwargs)
        if lv.is_input_layer:
            return UNKNOWN
        tensors: list[graph.Tensor] = []
        opaque = False
        main = args[0] if args else kwargs.get("inputs")
        if main is None:
            opaque = True
        for value, expr in args:
            ts, op = self.input_tensors(value, expr, role="input of a layer call")
            tensors.extend(ts)
            opaque = opaque or op
        for key, (value, _expr) in kwargs.items():
            if key in ("training",):
                continue
            for item in _flat_items(value):
                if isinstance(item, TensorV):
                    tensors.append(item.fact)
                elif not isinstance(item, (Const, LayerV, ModelV, FuncV, ClassV, Ref)):
                    # ``initial_state=state``, ``mask=m`` the engine lost track
                    # of: the call may depend on more than it shows.
                    opaque = True
            if isinstance(value, SeqV) and not value.exact:
                opaque = True
        return self.apply_node(layer, tensors, opaque, node, data_input=main is not None and _is_data(main[0]))

    def apply_node(
        self, layer: graph.Layer, tensors: list[graph.Tensor], opaque: bool, node, *,
        n_outputs: int = 1, data_input: bool = False,
    ) -> Value:
        """Record one call; ``data_input``: its main argument is concrete data."""
        call = graph.Node(layer=layer, inputs=tensors, called_at=self.site(node), has_opaque_inputs=opaque)
        layer.nodes.append(call)
        self.facts.nodes.append(call)
        symbolic = bool(tensors) and any(self.tensor_value(t).symbolic for t in tensors)
        # Applied to data (a sampling loop over NumPy noise): runs eagerly.
        eager = not symbolic and (
            all(self.tensor_value(t).eager for t in tensors) if tensors else data_input
        )
        call.on_graph = not eager
        if isinstance(node, cst.Call):
            call.mode_keywords = frozenset(
                a.keyword.value for a in node.args
                if a.keyword is not None and a.keyword.value not in _CALL_CONTEXT_KEYWORDS
            )
        # A backbone's feature map stays 4-D through Dropout, BatchNormalization...
        feature_map = (
            len(tensors) == 1 and layer.class_name in RANK_PRESERVING
            and graph.feature_map_source(tensors[0]) is not None
        )
        out_shapes = None if opaque or self.inexact_loops else self.call_shapes(layer, tensors)
        if out_shapes is not None and len(out_shapes) != n_outputs:
            out_shapes = None
        outputs = []
        for i in range(n_outputs):
            out = self.new_tensor(self.site(node), producer=call, symbolic=symbolic)
            out.eager = eager
            if feature_map:
                out.fact.rank = 4
            if out_shapes is not None:
                self.set_shape(out.fact, out_shapes[i])
            call.outputs.append(out.fact)
            outputs.append(out)
        if n_outputs == 1:
            return outputs[0]
        for o in outputs:
            o.fact.used = True
        items: list[Value] = list(outputs)
        return SeqV(items, exact=True, is_tuple=True)

    def call_merge(self, name: str, args, kwargs, node, star_unknown: bool = False) -> Value:
        self.mark_args_used(args, kwargs)
        main = args[0] if args else kwargs.get("inputs")
        class_name = {"add": "Add", "average": "Average", "concatenate": "Concatenate", "dot": "Dot",
                      "maximum": "Maximum", "minimum": "Minimum", "multiply": "Multiply",
                      "subtract": "Subtract"}[name]
        layer = graph.Layer(class_name=class_name, created_at=self.site(node), weighted=False, used=True)
        if not star_unknown:
            # ``concatenate(inputs, axis=-1)``: the layer's own arguments.
            layer.config = _layer_config(class_name, args[1:], {k: v for k, v in kwargs.items() if k != "inputs"})
        self.facts.layers.append(layer)
        if main is None:
            return self.apply_node(layer, [], True, node)
        tensors, opaque = self.input_tensors(main[0], main[1], role="element of the list given to " + name)
        return self.apply_node(layer, tensors, opaque, node)

    def call_op(self, path: str, args, kwargs, node) -> Value:
        self.mark_args_used(args, kwargs)
        op_name = path.split(".")[-1]
        tensors: list[graph.Tensor] = []
        opaque = False
        for value, expr in list(args) + list(kwargs.values()):
            ts, op = self.input_tensors(value, expr, role=f"argument of keras.ops.{op_name}") if _has_graph_value(value) else ([], not isinstance(value, Const))
            tensors.extend(ts)
            opaque = opaque or op
        if not tensors:
            # ``keras.ops.zeros((2, 3))``, ops on data: data again.
            return EAGER if all(_is_data(v) for v, _ in _all_args(args, kwargs)) else UNKNOWN
        return self.tensor_op(op_name, [self.tensor_value(t) for t in tensors], node, opaque=opaque)

    def tensor_op(self, name: str, operands: list[TensorV], node, *, opaque: bool) -> Value:
        layer = graph.Layer(class_name=f"ops.{name}", created_at=self.site(node), weighted=False, used=True)
        self.facts.layers.append(layer)
        return self.apply_node(layer, [t.fact for t in operands], opaque, node)

    def set_shape(self, tensor: graph.Tensor, shape: Optional[graph.Shape]) -> None:
        if shape is None:
            return
        tensor.shape = shape
        tensor.rank = len(shape)

    def call_shapes(self, layer: graph.Layer, tensors: list[graph.Tensor]) -> Optional[list[Optional[graph.Shape]]]:
        """Output shapes of one call of ``layer`` on ``tensors`` (None: unknown)."""
        if layer.model is not None:
            model = layer.model
            outs = graph.output_tensors(model)
            ins = model.inputs
            if not outs or len(tensors) != 1 or not ins or len(ins) != 1:
                return None
            if model.kind != "application" and (tensors[0].shape is None or tensors[0].shape != ins[0].shape):
                return None
            return [t.shape for t in outs]
        if layer.config is None:
            return None
        return shapes.output_shapes(
            layer.class_name, layer.config, [t.shape for t in tensors], default_format=self.default_format
        )

    def operand_tensor(self, value: Value, node) -> Optional[TensorV]:
        """A tensor operand of ``+``, ``*``...: consumed by the operation."""
        self.mark_used(value)
        if isinstance(value, TensorV):
            return value
        if isinstance(value, UnionV) and all(isinstance(o, TensorV) for o in value.options):
            fact = self.as_tensor(value, node, "operand")
            return self.tensor_value(fact) if fact is not None else None
        return None

    def new_tensor(self, site, *, is_input=False, producer=None, alternatives=(), opaque=False, symbolic=False) -> TensorV:
        fact = graph.Tensor(
            site=site,
            is_input=is_input,
            producer=producer,
            alternatives=alternatives,
            opaque=opaque,
            used=False,
        )
        self.facts.tensors.append(fact)
        value = TensorV(fact, symbolic)
        self._tensor_values[id(fact)] = value
        return value

    def tensor_value(self, fact: graph.Tensor) -> TensorV:
        value = self._tensor_values.get(id(fact))
        if value is None:
            value = TensorV(fact, symbolic=not fact.opaque)
            self._tensor_values[id(fact)] = value
        return value

    def kind_event(
        self, misuse: graph.Misuse, expr: cst.CSTNode, value: Value, *, role: str, value_kind: str,
        what_expr: Optional[cst.CSTNode] = None,
    ) -> None:
        fact = getattr(value, "fact", None)
        origin = None
        origin_label = None
        if isinstance(fact, graph.Layer):
            origin, origin_label = fact.created_at, fact.label
            owner = self._layer_owner.get(id(fact))
            if owner is not None and owner.label:
                # `base.layers[-1]` was not created at the backbone call: `base` was.
                origin_label = owner.label
        elif isinstance(fact, graph.Tensor):
            origin, origin_label = fact.site, fact.label
        what = self.code(what_expr if what_expr is not None else expr)
        self.facts.events.append(
            graph.KindEvent(
                misuse=misuse, site=self.site(expr), what=what, role=role, value_kind=value_kind,
                origin=origin, origin_label=origin_label,
                # "Layer" is the engine's placeholder for a layer of another
                # model (``base.layers[-1]``): no class worth naming.
                detail=fact.class_name if isinstance(fact, graph.Layer) and fact.class_name != "Layer" else "",
            )
        )


def _pin(value: Value) -> Any:
    """The Python value a constructor argument was pinned down to, or UNPINNED."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, SeqV) and value.exact:
        items = [_pin(v) for v in value.items]
        if any(item is shapes.UNPINNED for item in items):
            return shapes.UNPINNED
        return tuple(items)
    if isinstance(value, LayerV):
        return shapes.LayerSpec(value.fact.class_name, value.fact.config)
    return shapes.UNPINNED


def _layer_config(class_name: str, args, kwargs) -> dict[str, Any]:
    return shapes.config_from_call(
        class_name, [_pin(v) for v, _ in args], {k: _pin(v) for k, (v, _) in kwargs.items()}
    )


def _has_graph_value(value: Value) -> bool:
    return any(
        isinstance(item, (TensorV, LayerV, UnionV, LayerOfModelV)) for item in _flat_items(value)
    )
