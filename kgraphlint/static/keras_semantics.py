"""Keras semantics: the small interface the generic interpreter calls.

The generic parts (statements, expressions, calls, imports, builders) know
Python, not Keras.  Wherever a value might be Keras's business they ask one of
the methods below, which answer ``None`` (or False) when it is not, and the
generic part goes on as it would for any object.  The work itself is done in
:mod:`keras_layers` (Input, layers, tensors, ops) and :mod:`keras_models`
(models, applications, training methods, trainable state).

Asked by the generic parts:

============================  ==============================================
``call_library``              a name imported from a library is called
``call_library_value``        a layer, model or tensor value is called
``instantiate_library_class`` a class of the program derived from a library class
``call_library_method``       a method of a library value is called
``library_attribute``         an attribute of a library value is read
``configures_library_value``  reading it configures the object rather than using it
``store_library_attribute``   ``obj.name = value`` on a library value
``name_library_value``        ``name = value``: the facts take the name as label
``library_subscript``         ``value[key]``
``library_operation``         ``a + b``, ``-a`` on tensors
``iterate_library_value``     ``for layer in model.layers``
``unpack_library_value``      ``out, h, c = lstm(x)``
``is_library_sequence``       ``list(model.layers)`` is the same value
``library_base`` /            what a class derived from library classes is
``define_library_class``      (a layer subclass that owns weights...)
``library_super``             ``super()`` in such a class
``library_star_names``        names bound by ``from keras.layers import *``
``note_read``                 the program read a value (models: when, for KG302's order)
``identify_unknown``          a name holds nothing known: an identity for training events
``fork_paths`` / ...          path-sensitive state (trainable flags) at ``if`` and loops,
``enter_call`` / ...          and the calls and arms events happen under (training.py)
``start_call``/``finish_call`` a call builds a model from objects known by identity only
============================  ==============================================
"""

from __future__ import annotations

import re
from typing import AbstractSet, Any, Optional, Sequence, TypeGuard

import libcst as cst

from kgraphlint import graph
from kgraphlint.static import catalogue, shapes
from kgraphlint.static.cst_walk import iter_nodes
from kgraphlint.static.frames import Frame
from kgraphlint.static.keras_values import (
    LayerOfModelV,
    LayerV,
    ModelLayersV,
    ModelV,
    TensorV,
    UnknownLayer,
    UnknownLayers,
    UnknownObject,
)
from kgraphlint.static.keras_models import KerasModelsMixin
from kgraphlint.static.values import (
    SliceKey,
    EAGER,
    UNKNOWN,
    BoundMethod,
    ClassV,
    Const,
    FuncV,
    Ref,
    UnionV,
    Value,
    options,
    union,
)
from kgraphlint.vocab.methods import RUN_METHODS, TENSORSHAPE_ATTRIBUTES, TRAIN_METHODS
from kgraphlint.static.keras_layers import _layer_config, _pin
from kgraphlint.static.value_ops import _all_args, _flat_items

# What ``from keras.layers import *`` / ``from keras import *`` bind.
_STAR_NAMES: dict[str, AbstractSet[str]] = {
    "keras.layers": catalogue.LAYER_CLASSES | catalogue.MERGE_FUNCTIONS | {"Input"},
    "keras": frozenset({"Model", "Sequential", "Input", "layers", "models", "applications", "ops"}),
}


class KerasSemanticsMixin(KerasModelsMixin):
    """The entry points of the Keras semantics (see the module docstring)."""

    # ------------------------------------------------------------- calls
    def call_library(self, ref: Ref, args, kwargs, node, star_unknown: bool = False) -> Value:
        """A name from a library (``layers.Dense``, ``keras.Model``, ``tf.concat``) is called."""
        path = ref.path
        canon = catalogue.canonical(path)
        if canon.endswith(".__init__"):
            # ``super().__init__(inputs, outputs)`` in a functional subclass.
            base = catalogue.classify(canon[: -len(".__init__")])
            if base is not None and base.kind == "model":
                return self.create_functional(args, kwargs, node)
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        kn = catalogue.classify(canon)
        if kn is None:
            if catalogue.is_backend_function(path):
                self.check_backend_call(node, args, kwargs)
                if not any(isinstance(i, TensorV) and not i.eager for v, _ in _all_args(args, kwargs) for i in _flat_items(v)):
                    # ``np.random.normal(...)``, ``tf.zeros(...)``: data.
                    self.mark_args_used(args, kwargs)
                    return EAGER
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        kind = kn.kind
        if kind == "input":
            self.mark_args_used(args, kwargs)
            tensor_kw = kwargs.get("tensor")
            if tensor_kw is not None and not (isinstance(tensor_kw[0], Const) and tensor_kw[0].value is None):
                return UNKNOWN
            t = self.new_tensor(self.site(node), is_input=True, symbolic=True)
            t.fact.used = None
            if not star_unknown:
                self.set_shape(t.fact, shapes.input_shape(**_pinned_args(
                    args, kwargs, ("shape", "batch_size", "dtype", "sparse", "batch_shape"),
                    ("shape", "batch_size", "batch_shape"),
                )))
            name_kw = kwargs.get("name")
            if name_kw is not None and isinstance(name_kw[0], Const) and isinstance(name_kw[0].value, str) and not self.speculative:
                # Its InputLayer becomes a layer of every model that lists it:
                # ``Input(name="x")`` twice in one model is a duplicate name.
                self.input_layers[id(t.fact)] = graph.Layer(
                    class_name="InputLayer", created_at=self.site(node), name=name_kw[0].value,
                    weighted=False, used=True, branch_path=tuple(self.branch_path),
                )
            return t
        if kind == "input_layer":
            self.mark_args_used(args, kwargs)
            lv = self.new_layer("InputLayer", node, kwargs, weighted=False, is_input_layer=True)
            if not star_unknown:
                lv.fact.config = _layer_config("InputLayer", args, kwargs)
            return lv
        if kind == "layer":
            return self.create_layer(kn.name, args, kwargs, node, star_unknown)
        if kind == "merge":
            return self.call_merge(kn.name, args, kwargs, node, star_unknown)
        if kind == "model":
            return self.create_functional(args, kwargs, node)
        if kind == "sequential":
            return self.create_sequential(args, kwargs, node)
        if kind == "application":
            return self.create_application(kn.name, args, kwargs, node, star_unknown)
        if kind == "op":
            return self.call_op(canon, args, kwargs, node)
        self.mark_args_used(args, kwargs)
        if canon.startswith("keras.losses.") and kn.name[:1].isupper():
            # ``loss=keras.losses.CategoricalCrossentropy()``: what compile() compares.
            return Const(shapes.LossName(_snake_case(kn.name)))
        return UNKNOWN

    def call_library_value(self, func: Value, args, kwargs, node) -> Optional[Value]:
        """A layer, model or tensor is called (None: ``func`` is none of them)."""
        if isinstance(func, UnionV):
            # ``msfa = None`` then ``if use_msfa: msfa = Adapter(..)``, called
            # under the same test: calling None fails, so the layers are what runs.
            live = [o for o in func.options if not (isinstance(o, Const) and o.value is None)]
            if live and _all_layers(live):
                return union([self.call_layer(o, args, kwargs, node) for o in live])
            return None
        if isinstance(func, LayerV):
            return self.call_layer(func, args, kwargs, node)
        if isinstance(func, ModelV):
            return self.call_model(func, args, kwargs, node)
        if isinstance(func, TensorV):
            self.kind_event(
                graph.Misuse.TENSOR_AS_LAYER, node, func, role="called like a layer", value_kind="tensor",
                what_expr=node.func,
            )
            self.mark_args_used(args, kwargs)
            return UNKNOWN
        return None

    def instantiate_library_class(self, cls: ClassV, args, kwargs, node) -> Value:
        """``Block(64)`` where ``class Block(layers.Layer)`` (arguments already marked used)."""
        if cls.library_base == "layer":
            return self.new_layer(cls.name, node, kwargs, weighted=cls.weighted)
        if "__init__" not in cls.members and (len(args) >= 2 or "outputs" in kwargs):
            # A Model subclass that only adds methods, built functionally.
            built = self.create_functional(args, kwargs, node)
            if isinstance(built, ModelV) and "train_step" in cls.members:
                built.fact.custom_train_step = True
            return built
        return self.new_model(graph.Model(kind="subclass", site=self.site(node)))

    def call_library_method(self, bm: BoundMethod, args, kwargs, node) -> Optional[Value]:
        """``model.fit(...)``, ``model.summary()``... (None: not a model's method)."""
        if bm.name in RUN_METHODS:
            # Whatever the object, the function doing this trains or runs a model.
            self._mark_caller(self.trainer_nodes)
        if isinstance(bm.obj, ModelV):
            return self.model_method(bm.obj, bm.name, args, kwargs, node)
        if isinstance(bm.obj, UnknownObject):
            return self.unknown_object_method(bm.obj, bm.name, args, kwargs, node)
        return None

    # -------------------------------------------------------- attributes
    def library_attribute(self, base: Value, name: str, node: cst.CSTNode) -> Optional[Value]:
        """``model.output``, ``layer.name``, ``x.shape.as_list``... (None: not Keras's)."""
        if isinstance(base, ModelV):
            return self.model_attribute(base, name, node)
        if isinstance(base, LayerV):
            return self.layer_attribute(base, name, node)
        if isinstance(base, UnknownObject):
            # Only its training methods and layers are followed; the rest is unknown.
            if name == "layers":
                return UnknownLayers(base, partial=False)
            if name in TRAIN_METHODS or name in ("compile", "add", "get_layer"):
                return BoundMethod(base, name)
            return UNKNOWN
        if isinstance(base, BoundMethod) and base.name == "shape" and name in TENSORSHAPE_ATTRIBUTES:
            tensor = base.obj
            if isinstance(tensor, TensorV) and tensor.symbolic and not self.keras2:
                # ``x.shape.as_list()``: a Keras 3 tensor's shape is a tuple.
                owner = node.value if isinstance(node, cst.Attribute) else node
                what = owner.value if isinstance(owner, cst.Attribute) else owner
                self.kind_event(
                    graph.Misuse.TENSORSHAPE_ON_KERAS_TENSOR, node, tensor, role=f"`.shape.{name}`",
                    value_kind="symbolic tensor", what_expr=what,
                )
            return UNKNOWN
        if isinstance(base, (TensorV, LayerOfModelV)):
            return BoundMethod(base, name)
        return None

    def configures_library_value(self, base: Value, name: str) -> bool:
        """Reading an attribute (``x.shape``, ``layer.weights``) uses the object.
        Configuring a layer (``.adapt(data)``, ``.build(shape)``,
        ``.set_weights(w)``) prepares it for a graph without putting it in one:
        it counts as a use only where no model is built (a test or utility
        working with the layer itself); next to a model that leaves it out, the
        layer was forgotten (KG203).  True: recorded, not a use."""
        if isinstance(base, LayerV) and name in _LAYER_CONFIGURING_METHODS:
            self.configured_layers.append((base.fact, self.current_scope()))
            return True
        return False

    def store_library_attribute(self, obj: Value, name: str, value: Value, target: cst.Attribute) -> bool:
        """``obj.name = value``.  True when that is all there is to it (the
        value is not otherwise stored): ``layer.trainable = False``."""
        if name == "trainable":
            self.set_trainable(obj, value)
            self.training.trainable_set(obj, value, target)
            return True
        for opt in options(value):
            fact = getattr(opt, "fact", None)
            if fact is not None and getattr(fact, "label", "x") is None:
                fact.label = self.code(target)
        return False

    def name_library_value(self, value: Value, name: str) -> None:
        """``name = value``: layers, tensors and models without a label take the name."""
        for opt in options(value):
            fact = getattr(opt, "fact", None)
            if fact is not None and getattr(fact, "label", "x") is None:
                fact.label = name
                if isinstance(opt, ModelV) and opt.fact.application:
                    for t in opt.fact.inputs or ():
                        if t.owner_model is opt.fact and t.label is None:
                            t.label = f"{name}.input"

    def note_read(self, value: Value) -> None:
        self.note_model_read(value)
        if isinstance(value, UnknownObject):
            self.training.object_read(value)

    # ------------------------------------------------ items and operators
    def library_subscript(self, base: Value, key: Value, node: cst.CSTNode) -> Optional[Value]:
        """``base.layers[-1]``, ``base.layers[:10]``, ``x[:, 0]``."""
        if isinstance(base, UnknownLayers):
            if isinstance(key, SliceKey):
                full = key.slice is not None and key.slice == slice(None, None, None)
                return UnknownLayers(base.owner, partial=base.partial or not full)
            return UnknownLayer(base.owner, partial=True)
        if isinstance(base, ModelLayersV):
            if isinstance(key, SliceKey):
                full = key.slice is not None and key.slice == slice(None, None, None)
                return ModelLayersV(base.model, partial=base.partial or not full)
            return self.layer_of_model(base.model, key.value if isinstance(key, Const) else None, node)
        if isinstance(base, TensorV):
            return self.tensor_op("getitem", [base], node, opaque=False)
        if isinstance(base, BoundMethod) and base.name == "shape" and isinstance(base.obj, TensorV):
            return self.shape_dimension(base.obj, key)
        return None

    def shape_dimension(self, tensor: TensorV, key: Value) -> Value:
        """``x.shape[-1]``: the dimension when the shape inference pinned it
        down (``in_channels == filters`` then decides its branch, as in Keras);
        unknown otherwise (a None dimension is one not known)."""
        shape = tensor.fact.shape
        if shape is None or not isinstance(key, Const) or type(key.value) is not int:
            return UNKNOWN
        try:
            dim = shape[key.value]
        except IndexError:
            return UNKNOWN
        return Const(dim) if type(dim) is int else UNKNOWN

    def library_operation(self, name: str, operands: list[Value], node) -> Value:
        """``a + b`` (two operands) or ``-a`` (one) where the generic part
        could not compute it: a tensor operation when a tensor takes part."""
        if len(operands) == 1:
            value = operands[0]
            if isinstance(value, TensorV):
                self.mark_used(value)
                return self.tensor_op(name, [value], node, opaque=False)
            return UNKNOWN
        tensor_operands = [self.operand_tensor(v, node) for v in operands]
        tensors = [t for t in tensor_operands if t is not None]
        if tensors:
            opaque = any(t is None and not isinstance(v, Const) for t, v in zip(tensor_operands, operands))
            return self.tensor_op(name, tensors, node, opaque=opaque)
        return UNKNOWN

    def iterate_library_value(self, value: Value) -> Optional[tuple[list[Value], bool, bool]]:
        """``for layer in model.layers``: one pass stands for every layer of
        the model (or of the slice).  Same answer shape as ``iteration``."""
        if isinstance(value, ModelLayersV):
            return [LayerOfModelV(value.model, value.partial)], True, True
        if isinstance(value, UnknownLayers):
            return [UnknownLayer(value.owner, value.partial)], True, True
        return None

    def unpack_library_value(self, value: Value, count: int) -> Optional[list[Value]]:
        """``out, h, c = LSTM(..., return_state=True)(x)``: outputs of one call."""
        if not (isinstance(value, TensorV) and value.fact.producer is not None):
            return None
        node = value.fact.producer
        self.mark_used(value)
        parts: list[Value] = []
        for _ in range(count):
            t = self.new_tensor(value.fact.site, producer=node, symbolic=value.symbolic)
            t.fact.used = True
            node.outputs.append(t.fact)
            parts.append(t)
        return parts

    def is_library_sequence(self, value: Value) -> bool:
        """``list(model.layers)`` is ``model.layers``."""
        return isinstance(value, (ModelLayersV, UnknownLayers))

    # ----------------------------------------------------------- classes
    def library_base(self, bases: list[Value]) -> Optional[str]:
        """"model" / "layer" for a class deriving from Keras's (directly or
        through a class of the program), None for a plain class."""
        kind: Optional[str] = None
        for base in bases:
            for opt in options(base):
                if isinstance(opt, Ref):
                    kn = catalogue.classify(catalogue.canonical(opt.path))
                    if kn is not None and kn.kind in ("model", "sequential"):
                        kind = "model"
                    elif kn is not None and kn.kind in ("layer", "input_layer") and kind is None:
                        kind = "layer"
                elif isinstance(opt, ClassV) and opt.library_base:
                    kind = kind or opt.library_base
        return kind

    def define_library_class(self, cls: ClassV, bases: list[Value]) -> None:
        """A layer subclass owns weights when it or a base of the program creates them (KG301)."""
        if cls.library_base == "layer":
            cls.weighted = _creates_weights(cls) or any(
                isinstance(o, ClassV) and o.weighted for base in bases for o in options(base)
            ) or None

    def library_super(self, owner: ClassV) -> Value:
        if owner.library_base == "model":
            return Ref("keras.Model")
        if owner.library_base == "layer":
            return Ref("keras.layers.Layer")
        return UNKNOWN

    def library_star_names(self, module: str) -> AbstractSet[str]:
        return _STAR_NAMES.get(catalogue.canonical(module), frozenset())

    # ---------------------------------- training events (see training.py)
    def identify_unknown(self, name: str, frame: Frame) -> Optional[Value]:
        """``name`` holds nothing the engine can pin down (or is not bound):
        an identity to record training events against, or None."""
        if not self.training.track_objects:
            return None
        obj = self.training.new_object(name)
        owner: Optional[Frame] = frame
        while owner is not None and name not in owner.env:
            owner = owner.parent
        (owner or frame.module).env[name] = obj
        self.training.object_read(obj)
        return obj

    def fork_paths(self) -> Any:
        """The path-sensitive state (trainable flags), before alternative paths run."""
        return self.training.fork()

    def restore_path(self, state: Any) -> None:
        self.training.restore(state)

    def join_paths(self, states: list[Any]) -> None:
        """After paths that may each have run."""
        self.training.join_paths(states)

    def enter_arm(self) -> None:
        """An ``if``/``else`` arm (``branch_path`` holds it) starts."""
        self.training.enter_arm()

    def leave_arm(self) -> None:
        self.training.leave_arm()

    def enter_call(self, node: cst.CSTNode, name: str) -> None:
        """A function of the program is interpreted inline at ``node``."""
        site = self.site(node) if isinstance(node, cst.CSTNode) else graph.Site(self.ctx.path, 0, 0)
        self.training.enter_call(site, name)

    def leave_call(self) -> None:
        self.training.leave_call()

    def isolate_calls(self) -> Any:
        """A function runs on its own: under no call (returns what to restore)."""
        calls, self.training.calls = self.training.calls, []
        return calls

    def restore_calls(self, saved: Any) -> None:
        self.training.calls = saved

    def start_call(self) -> Any:
        """A call expression is evaluated (``finish_call`` gets what this returns)."""
        return len(self.training.objects_read), self._clock

    def finish_call(self, started: Any, result: Value) -> None:
        """A model built by the call from objects the engine cannot pin down
        (``Model(base.input, head(base.output))``, ``Sequential([base, ...])``)
        has them as parts."""
        reads, clock = started
        read = self.training.objects_read[reads:]
        if not read:
            return
        for opt in options(result):
            if isinstance(opt, ModelV) and opt.fact.built_order is not None and opt.fact.built_order > clock:
                self.training.built_from(opt.fact, read)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


# Methods that prepare a layer for a graph without putting it in one.
_LAYER_CONFIGURING_METHODS = frozenset(
    {"adapt", "build", "set_weights", "load_own_variables", "set_vocabulary", "reset_state"}
)


def _all_layers(items: Sequence[Value]) -> TypeGuard[Sequence[LayerV]]:
    return all(isinstance(o, LayerV) for o in items)


def _pinned_args(args, kwargs, positional: tuple[str, ...], wanted: tuple[str, ...]) -> dict[str, Any]:
    """Arguments in ``wanted`` that are pinned down (others left out); a given
    but unknown one makes the whole call unknown (``shape=None``)."""
    named = dict(zip(positional, (v for v, _ in args)))
    named.update({k: v for k, (v, _) in kwargs.items()})
    out: dict[str, Any] = {}
    for key in wanted:
        if key in named:
            value = _pin(named[key])
            if value is shapes.UNPINNED:
                return {}
            out[key] = value
    return out


def _creates_weights(cls: ClassV) -> bool:
    """A Keras layer subclass that owns weights: its ``__init__`` or ``build``
    calls ``add_weight`` or creates a built-in weighted layer."""
    for method_name in ("__init__", "build"):
        method = cls.members.get(method_name)
        if not isinstance(method, FuncV) or not isinstance(method.node, cst.FunctionDef):
            continue
        for node in iter_nodes(method.node.body, skip=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if not isinstance(node, cst.Call):
                continue
            func = node.func
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
            if last == "add_weight" or last in catalogue.WEIGHTED_LAYERS:
                return True
    return False
