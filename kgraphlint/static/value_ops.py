"""Small functions over abstract values shared by the interpreter's parts."""

from __future__ import annotations

import ast

import re
from typing import TYPE_CHECKING, Any, Optional, Sequence, TypeGuard

import libcst as cst

from kgraphlint import graph
from kgraphlint.static import catalogue, shapes
from kgraphlint.static.cst_walk import iter_nodes
from kgraphlint.static.values import (
    ClassV,
    Const,
    DictV,
    EagerData,
    FuncV,
    LayerOfModelV,
    LayerV,
    SeqV,
    TensorV,
    UnionV,
    Value,
)

if TYPE_CHECKING:
    from kgraphlint.static.modules import ModuleLoader  # noqa: F401



class _SliceKey(Value):
    __slots__ = ("slice",)
    kind = "slice"

    def __init__(self, sl: Optional[slice]) -> None:
        self.slice = sl


def _all_args(args, kwargs):
    return list(args) + list(kwargs.values())


def _all_const(items: Sequence[Value]) -> TypeGuard[Sequence[Const]]:
    return all(isinstance(i, Const) for i in items)


def _is_data(value: Value) -> bool:
    """Concrete data: a constant, EagerData, an eager tensor, or a container of them."""
    if isinstance(value, (Const, EagerData)):
        return True
    if isinstance(value, TensorV):
        return value.eager
    if isinstance(value, SeqV):
        return all(_is_data(v) for v in value.items)
    return False


def _flat_items(value: Value, with_index: bool = False):
    """Items of a call argument: the value itself, or a list/tuple/dict's items."""
    if isinstance(value, SeqV):
        for i, item in enumerate(value.items):
            if isinstance(item, SeqV):
                for sub in item.items:
                    yield (sub, None) if with_index else sub
            else:
                yield (item, i) if with_index else item
    elif isinstance(value, DictV):
        for item in value.items.values():
            yield (item, None) if with_index else item
    else:
        yield (value, 0) if with_index else value


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


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


_UNSET_MARK = object()


# Methods that prepare a layer for a graph without putting it in one.
_LAYER_CONFIGURING_METHODS = frozenset(
    {"adapt", "build", "set_weights", "load_own_variables", "set_vocabulary", "reset_state"}
)


def _all_layers(items: Sequence[Value]) -> TypeGuard[Sequence[LayerV]]:
    return all(isinstance(o, LayerV) for o in items)


def _kw_const(kwargs, name: str, default: Any) -> Any:
    if name not in kwargs:
        return default
    value = kwargs[name][0]
    if isinstance(value, Const):
        return value.value
    return _UNSET_MARK


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


def _has_graph_value(value: Value) -> bool:
    return any(
        isinstance(item, (TensorV, LayerV, UnionV, LayerOfModelV)) for item in _flat_items(value)
    )


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






