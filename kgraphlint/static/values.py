"""Abstract values of the static interpreter.

Every Python expression evaluates to one of these.  Graph values wrap the
shared facts of :mod:`kgraphlint.graph`, so what the interpreter learns is
directly what the rules read.  ``UNKNOWN`` is the safe answer: it never makes a
rule fire.
"""

from __future__ import annotations

from typing import Any, Optional

import libcst as cst

from kgraphlint import graph
from kgraphlint.vocab.families import canonical


class Value:
    __slots__ = ()
    kind = "value"


class Unknown(Value):
    __slots__ = ()
    kind = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


class EagerData(Unknown):
    """Concrete data of unknown content: a NumPy array, an eager tensor
    (``np.random.normal(...)``, ``tf.zeros(...)``).  Unknown in every respect
    but one: a layer applied to it runs eagerly and builds no graph."""

    __slots__ = ()
    kind = "eager"

    def __repr__(self) -> str:
        return "EAGER"


EAGER = EagerData()


class Const(Value):
    """A Python constant the engine could compute (str, int, bool, None...)."""

    __slots__ = ("value",)
    kind = "const"

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


class Ref(Value):
    """An imported module or name, by its canonical dotted path."""

    __slots__ = ("path",)
    kind = "ref"

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"Ref({self.path})"


class LayerV(Value):
    __slots__ = ("fact", "is_input_layer", "output_hint")
    kind = "layer"

    def __init__(self, fact: graph.Layer, is_input_layer: bool = False) -> None:
        self.fact = fact
        self.is_input_layer = is_input_layer
        # For layers taken from a model (``base.get_layer(..)``): the tensor
        # that ``.output`` gives when the layer was never called in this file.
        self.output_hint: Optional["TensorV"] = None


class TensorV(Value):
    __slots__ = ("fact", "symbolic", "eager")
    kind = "tensor"

    def __init__(self, fact: graph.Tensor, symbolic: bool, eager: bool = False) -> None:
        self.fact = fact
        # Depends on a known Input: a Keras symbolic tensor, not an eager one.
        self.symbolic = symbolic
        # Computed from concrete data only (EagerData): an eager result.
        self.eager = eager


class ModelV(Value):
    __slots__ = ("fact", "as_layer", "_input_v", "_output_v")
    kind = "model"

    def __init__(self, fact: graph.Model) -> None:
        self.fact = fact
        self.as_layer: Optional[graph.Layer] = None
        self._input_v: Optional[list[Value]] = None
        self._output_v: Optional[list[Value]] = None


class ModelLayersV(Value):
    """``model.layers`` (or a slice of it when ``partial``)."""

    __slots__ = ("model", "partial")
    kind = "model_layers"

    def __init__(self, model: ModelV, partial: bool) -> None:
        self.model = model
        self.partial = partial


class LayerOfModelV(Value):
    """One or all layers of ``model.layers`` (a loop variable over it)."""

    __slots__ = ("model", "partial")
    kind = "layer_of_model"

    def __init__(self, model: ModelV, partial: bool) -> None:
        self.model = model
        self.partial = partial


class SeqV(Value):
    """A list or tuple.  ``exact`` is False when the items only represent
    an unknown number of elements (built by a loop of unknown length)."""

    __slots__ = ("items", "exact", "is_tuple")
    kind = "seq"

    def __init__(self, items: list[Value], exact: bool = True, is_tuple: bool = False) -> None:
        self.items = items
        self.exact = exact
        self.is_tuple = is_tuple


class DictV(Value):
    __slots__ = ("items", "exact")
    kind = "dict"

    def __init__(self, items: dict[Any, Value], exact: bool = True) -> None:
        self.items = items
        self.exact = exact


class FuncV(Value):
    """A function defined in this file (or a lambda)."""

    __slots__ = ("node", "name", "closure", "defaults", "is_lambda", "owner")
    kind = "function"

    def __init__(self, node: Any, name: str, closure: Any, defaults: dict[str, Value]) -> None:
        self.node = node
        self.name = name
        self.closure = closure
        self.defaults = defaults
        self.is_lambda = isinstance(node, cst.Lambda)
        # The class whose body defines it, for methods.
        self.owner: Optional["ClassV"] = None


class ClassV(Value):
    """A class defined in this file; ``keras_base`` is "layer", "model" or None."""

    __slots__ = ("name", "keras_base", "node", "members", "standalone", "weighted")
    kind = "class"

    def __init__(self, name: str, keras_base: Optional[str], node: cst.ClassDef) -> None:
        self.name = name
        self.keras_base = keras_base
        self.node = node
        # For Keras layer subclasses: True when it creates weights (KG301).
        self.weighted: Optional[bool] = None
        # Class-body bindings: methods (FuncV) and class attributes.
        self.members: dict[str, Value] = {}
        # The instance that stands for ``self`` when a method is interpreted
        # on its own (not called from this file).
        self.standalone: Optional["InstanceV"] = None


class ModuleV(Value):
    """A module of the project, imported: its top-level names as its code left
    them (the live environment, so an import cycle sees what is defined so far)."""

    __slots__ = ("name", "frame", "_namespace", "path", "info")
    kind = "module"

    def __init__(self, name: str, frame: Any, path: Optional[str], info: Any) -> None:
        self.name = name
        # The module's interpreter frame (None for a namespace package): its
        # environment is replaced when branches merge, so it is read through.
        self.frame = frame
        self._namespace: dict = {}
        # The module's file (None for a namespace package).
        self.path = path
        self.info = info

    @property
    def env(self) -> dict:
        return self.frame.env if self.frame is not None else self._namespace

    def __repr__(self) -> str:
        return f"ModuleV({self.name})"


class InstanceV(Value):
    """An instance of a plain class of this file (a model builder, a config)."""

    __slots__ = ("cls", "attrs")
    kind = "instance"

    def __init__(self, cls: ClassV) -> None:
        self.cls = cls
        self.attrs: dict[str, Value] = {}


class BoundMethod(Value):
    __slots__ = ("obj", "name")
    kind = "method"

    def __init__(self, obj: Value, name: str) -> None:
        self.obj = obj
        self.name = name


class PartialV(Value):
    """``functools.partial(func, *args, **kwargs)``: a call waiting for more."""

    __slots__ = ("func", "args", "kwargs")
    kind = "partial"

    def __init__(self, func: Value, args: list, kwargs: dict) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs


class UnionV(Value):
    """One of several values, chosen by control flow the engine cannot decide."""

    __slots__ = ("options",)
    kind = "union"

    def __init__(self, options: tuple[Value, ...]) -> None:
        self.options = options


MAX_UNION = 6


def union(values: list[Value]) -> Value:
    """The value that is any of ``values`` (flattened, identity-deduplicated)."""
    flat: list[Value] = []
    seen: set[int] = set()
    for v in values:
        for o in v.options if isinstance(v, UnionV) else (v,):
            if isinstance(o, Const):
                # Equal constants are one value.
                key = hash(("const", type(o.value).__name__, repr(o.value)))
            elif isinstance(o, Ref):
                # ``keras`` and ``tf.keras`` (a version shim) are one API.
                key = hash(("ref", canonical(o.path)))
            else:
                key = id(o)
            if key not in seen:
                seen.add(key)
                flat.append(o)
    if len(flat) == 1:
        return flat[0]
    if not flat:
        return UNKNOWN
    if len(flat) > MAX_UNION:
        # Too many alternatives to follow: the engine loses track of them, so
        # none may later look dropped (``block = A() if .. elif .. B()...``,
        # eight branches, then ``blocks.append(block)``).
        for o in flat:
            _escape(o)
        return UNKNOWN
    return UnionV(tuple(flat))


def _escape(value: Value) -> None:
    """Mark a value the engine stops tracking as used (what ``mark_used`` does)."""
    if isinstance(value, (TensorV, LayerV)):
        value.fact.used = True
    elif isinstance(value, SeqV):
        for item in value.items:
            _escape(item)
    elif isinstance(value, DictV):
        for item in value.items.values():
            _escape(item)


def options(value: Value) -> tuple[Value, ...]:
    return value.options if isinstance(value, UnionV) else (value,)


def truthiness(value: Value) -> Optional[bool]:
    """True/False when the engine knows how an ``if`` on the value goes."""
    if isinstance(value, Const):
        try:
            return bool(value.value)
        except Exception:
            return None
    if isinstance(value, (LayerV, ModelV, FuncV, ClassV, Ref, TensorV, ModuleV)):
        # Objects are truthy; a KerasTensor in ``if`` raises, but that is not
        # this engine's business.
        return True if not isinstance(value, TensorV) else None
    if isinstance(value, SeqV) and value.exact:
        return bool(value.items)
    if isinstance(value, DictV) and value.exact:
        return bool(value.items)
    if isinstance(value, UnionV):
        results = {truthiness(o) for o in value.options}
        if len(results) == 1:
            return results.pop()
    return None
