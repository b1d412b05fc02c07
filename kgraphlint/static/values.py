"""Abstract values of the static interpreter.

Every Python expression evaluates to one of these.  Graph values wrap the
shared facts of :mod:`kgraphlint.graph`, so what the interpreter learns is
directly what the rules read.  ``UNKNOWN`` is the safe answer: it never makes a
rule fire.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Optional, TypeVar

import libcst as cst

from kgraphlint.vocab.families import canonical


class Value:
    __slots__ = ()
    kind = "value"
    # What the generic interpreter may assume of any value of the class, whoever
    # defines it (this module or the Keras semantics' ``keras_values``):
    # ``is None`` is surely False; ``bool(value)`` is known (None: not known);
    # it is concrete data (an array, an eager tensor).
    never_none = False
    truth: Optional[bool] = None

    @property
    def eager_data(self) -> bool:
        return False


class FactValue(Value):
    """A value standing for a fact the rules read (``fact.used`` is set when
    the program consumes it: a layer, a tensor)."""

    __slots__ = ()
    fact: Any


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

    @property
    def eager_data(self) -> bool:
        return True

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
    truth = True

    def __init__(self, path: str) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"Ref({self.path})"


class SeqV(Value):
    """A list or tuple.  ``exact`` is False when the items only represent
    an unknown number of elements (built by a loop of unknown length)."""

    __slots__ = ("items", "exact", "is_tuple")
    kind = "seq"
    never_none = True

    def __init__(self, items: list[Value], exact: bool = True, is_tuple: bool = False) -> None:
        self.items = items
        self.exact = exact
        self.is_tuple = is_tuple


class DictV(Value):
    __slots__ = ("items", "exact")
    kind = "dict"
    never_none = True

    def __init__(self, items: dict[Any, Value], exact: bool = True) -> None:
        self.items = items
        self.exact = exact


class FuncV(Value):
    """A function defined in this file (or a lambda)."""

    __slots__ = ("node", "name", "closure", "defaults", "is_lambda", "owner")
    kind = "function"
    never_none = True
    truth = True

    def __init__(self, node: Any, name: str, closure: Any, defaults: dict[str, Value]) -> None:
        self.node = node
        self.name = name
        self.closure = closure
        self.defaults = defaults
        self.is_lambda = isinstance(node, cst.Lambda)
        # The class whose body defines it, for methods.
        self.owner: Optional["ClassV"] = None


T = TypeVar("T")


class _AfterCompletion(Generic[T]):
    """An attribute of :class:`ClassV` derived from its bases: reading it
    first runs the completion ``ClassV.complete_later`` deferred.  The value
    lives in the slot named ``_<attribute>``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, instance: Any, owner: Optional[type] = None) -> T:
        instance._complete()
        value: T = getattr(instance, self.slot)
        return value

    def __set__(self, instance: Any, value: T) -> None:
        setattr(instance, self.slot, value)


class ClassV(Value):
    """A class defined in the program.  ``library_base`` is what the library
    semantics made of its bases ("layer", "model" for Keras), None for a
    plain class."""

    __slots__ = (
        "name", "_library_base", "node", "members", "standalone", "_weighted", "_bases", "dataclass_fields",
        "_completion",
    )
    kind = "class"
    never_none = True
    truth = True

    def __init__(self, name: str, library_base: Optional[str], node: cst.ClassDef) -> None:
        self.name = name
        self._library_base = library_base
        self.node = node
        # For Keras layer subclasses: True when it creates weights (KG301).
        self._weighted: Optional[bool] = None
        # Class-body bindings: methods (FuncV) and class attributes.
        self.members: dict[str, Value] = {}
        # The instance that stands for ``self`` when a method is interpreted
        # on its own (not called from this file).
        self.standalone: Optional["InstanceV"] = None
        # The bases as evaluated (plain classes of the program are searched
        # for members, anything else makes the class partly unknown).
        self._bases: list[Value] = []
        # ``@dataclass``: the fields in order, with their defaults (None: not
        # a dataclass).
        self.dataclass_fields: Optional[list[tuple[str, Value]]] = None
        # What finishes the definition when its bases are first needed (see
        # complete_later); None once done.
        self._completion: Optional[Callable[["ClassV"], None]] = None

    def complete_later(self, completion: Callable[["ClassV"], None]) -> None:
        """Leave the bases (and what is derived from them: ``library_base``,
        ``weighted``) to ``completion``, run the first time one is read.

        A class of an imported module whose bases are lazy imports: forcing
        them would interpret their modules, and theirs in turn, though the
        checked file may never look at this class's bases.
        """
        self._completion = completion

    def _complete(self) -> None:
        completion = self._completion
        if completion is not None:
            # While it runs (a base that needs this class), the class reads as plain.
            self._completion = None
            completion(self)

    # Derived from the bases: reading one finishes a deferred definition.
    bases: _AfterCompletion[list[Value]] = _AfterCompletion()
    library_base: _AfterCompletion[Optional[str]] = _AfterCompletion()
    weighted: _AfterCompletion[Optional[bool]] = _AfterCompletion()

    def member(self, name: str) -> Optional[Value]:
        """``name`` looked up like Python does: this class, then its bases
        that are classes of the program, depth first (None: not found)."""
        for cls in self.mro():
            if name in cls.members:
                return cls.members[name]
        return None

    def mro(self) -> list["ClassV"]:
        order: list[ClassV] = []
        stack: list[ClassV] = [self]
        while stack and len(order) < 32:
            cls = stack.pop(0)
            if cls in order:
                continue
            order.append(cls)
            stack[:0] = [b for b in cls.bases if isinstance(b, ClassV)]
        return order

    @property
    def opaque_bases(self) -> bool:
        """Some base is neither a class of the program nor ``object``: an
        instance may get attributes (and ``__init__``) from code not seen."""
        for cls in self.mro():
            for base in cls.bases:
                if isinstance(base, ClassV):
                    continue
                if isinstance(base, Ref) and base.path in ("builtins.object",):
                    continue
                return True
        return False


class ModuleV(Value):
    """A module of the project, imported: its top-level names as its code left
    them (the live environment, so an import cycle sees what is defined so far)."""

    __slots__ = ("name", "frame", "_namespace", "path", "info")
    kind = "module"
    truth = True

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

    __slots__ = ("cls", "attrs", "opaque")
    kind = "instance"

    def __init__(self, cls: ClassV) -> None:
        self.cls = cls
        self.attrs: dict[str, Value] = {}
        # Made by code the engine did not see (an unknown base's
        # ``__init__``): attributes not set in view are unknown, not the
        # class defaults.
        self.opaque = False


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


class LazyImport(Value):
    """A name that ``from module import name`` binds in an imported module:
    ``module`` is loaded (its code interpreted) only when the name is first
    read, so a checked file pays for the code paths of the project it uses,
    not for everything its imports import in turn.

    Reading it (``Frame.lookup``, a module attribute, a union) gives the
    imported value, computed once; a lazy name that needs itself (a module
    importing a name from itself) is unknown.
    """

    __slots__ = ("_load", "_value")
    kind = "lazy"

    def __init__(self, load: Any) -> None:
        self._load = load
        self._value: Optional[Value] = None

    def force(self) -> Value:
        if self._value is None:
            load, self._load = self._load, None
            # While it loads, a name that needs itself is unknown.
            self._value = UNKNOWN
            self._value = resolved(load())
        return self._value


def resolved(value: Value) -> Value:
    """``value``, or what it stands for when it is a lazy import."""
    while isinstance(value, LazyImport):
        value = value.force()
    return value


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
        v = resolved(v)
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
    if isinstance(value, FactValue):
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
    if value.truth is not None:
        # Objects are truthy (a KerasTensor in ``if`` raises: its class says
        # "not known").
        return value.truth
    if isinstance(value, SeqV) and value.exact:
        return bool(value.items)
    if isinstance(value, DictV) and value.exact:
        return bool(value.items)
    if isinstance(value, UnionV):
        results = {truthiness(o) for o in value.options}
        if len(results) == 1:
            return results.pop()
    return None


class SliceKey(Value):
    """The key of ``x[a:b:c]`` (``slice`` None when a bound is not known)."""

    __slots__ = ("slice",)
    kind = "slice"

    def __init__(self, sl: Optional[slice]) -> None:
        self.slice = sl
