"""Scopes being executed, the interpreter's limits, and short source renderings for messages."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from kgraphlint.project import ModuleInfo
from kgraphlint.static.source import SourceContext
from kgraphlint.static.values import (
    FuncV,
    LazyImport,
    Value,
    resolved,
    union,
)


MAX_INLINE_DEPTH = 8


# Imports followed into the project's modules: how deep a chain of modules
# importing modules is followed, and how many modules one file may reach.
MAX_IMPORT_DEPTH = 16


MAX_IMPORTED_MODULES = 256


# A loop over a known sequence runs every pass when it has at most
# MAX_EXACT_ITERATIONS elements; a longer one (a YOLO-style list of 24 rows,
# ``range(12)`` transformer blocks) when the passes of it and of the exact loops
# around it stay within MAX_LONG_LOOP_PASSES.  Beyond that, two passes stand for
# all of them.
MAX_EXACT_ITERATIONS = 8


MAX_LONG_LOOP_PASSES = 64


MAX_LOOP_NESTING = 3


STEP_BUDGET = 400_000


class _Return(Exception):
    pass


class Frame:
    """One scope being executed: a module, a function call or a class body."""

    __slots__ = (
        "env", "parent", "module", "returns", "inline", "terminated",
        "break_envs", "global_names", "function", "saw_yield", "ctx", "info",
    )

    def __init__(
        self,
        parent: Optional["Frame"],
        *,
        module: Optional["Frame"] = None,
        inline: bool = False,
        # The function being run, or "class" for a class body.
        function: Union[cst.CSTNode, str, None] = None,
    ) -> None:
        self.env: dict[str, Value] = {}
        self.parent = parent
        self.module = module or self
        self.returns: list[Value] = []
        self.inline = inline
        # "return" | "raise" | "break" | "continue" when this path stopped.
        self.terminated: Optional[str] = None
        self.break_envs: list[dict[str, Value]] = []
        self.global_names: set[str] = set()
        self.function = function
        self.saw_yield = False
        # Module frames only: the file the module's code is in and where it
        # sits in its project (None when the file is not on disk).
        self.ctx: Optional[SourceContext] = None
        self.info: Optional[ModuleInfo] = None

    def peek(self, name: str) -> Optional[Value]:
        """What ``name`` is bound to, a lazy import left unloaded."""
        frame: Optional[Frame] = self
        while frame is not None:
            value = frame.env.get(name)
            if value is not None:
                return value
            frame = frame.parent
        return None

    def lookup(self, name: str) -> Optional[Value]:
        frame: Optional[Frame] = self
        while frame is not None:
            value = frame.env.get(name)
            if value is not None:
                if isinstance(value, LazyImport):
                    value = frame.env[name] = resolved(value)
                return value
            frame = frame.parent
        return None


def short_code(node: cst.CSTNode, ctx: SourceContext, limit: int = 48) -> str:
    """A short source rendering of an expression, for messages."""
    text = _short(node)
    if text is None:
        text = ctx.code_for(node).strip()
        text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _short(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _short(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    if isinstance(node, cst.Integer):
        return node.value
    if isinstance(node, cst.SimpleString):
        return node.value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _short(node.expression)
        return None if inner is None else f"-{inner}"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        base = _short(node.value)
        sl = node.slice[0].slice
        if base is None:
            return None
        if isinstance(sl, cst.Index):
            idx = _short(sl.value)
            return None if idx is None else f"{base}[{idx}]"
        if isinstance(sl, cst.Slice):
            lo = _short(sl.lower) if sl.lower is not None else ""
            hi = _short(sl.upper) if sl.upper is not None else ""
            if lo is None or hi is None:
                return None
            return f"{base}[{lo}:{hi}]"
        return None
    if isinstance(node, cst.Call):
        func = _short(node.func)
        return None if func is None else f"{func}(...)"
    return None


def _merge_envs(envs: list[dict[str, Value]]) -> dict[str, Value]:
    if len(envs) == 1:
        return envs[0]
    merged: dict[str, Value] = {}
    names = set().union(*envs)
    for name in names:
        values = [env[name] for env in envs if name in env]
        first = values[0]
        if all(v is first for v in values):
            merged[name] = first
        else:
            merged[name] = union(values)
    return merged


def _module_ctx(func: FuncV, default: SourceContext) -> SourceContext:
    """The file a function's code is in (its module frame's)."""
    closure = func.closure
    module = closure.module if closure is not None else None
    return module.ctx if module is not None and module.ctx is not None else default
