"""Walking libcst trees cheaply: code-bearing children, pre-order iteration,
dotted attribute chains.

Shared by the source rules (KG401, KG402), the fix toolkit and the import resolver.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator, Optional

import libcst as cst


def dotted_parts(expr: cst.BaseExpression) -> Optional[list[str]]:
    """``a.b.c`` -> ``["a", "b", "c"]``; None for anything that is not a plain chain."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    parts.reverse()
    return parts


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that hold only layout (whitespace, brackets, punctuation, comments).
_LAYOUT = ("whitespace", "lpar", "rpar", "comma", "semicolon", "equal", "colon", "dot", "header", "footer", "lines")


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The code-bearing children of a node, in source order.

    Reading the dataclass fields directly is several times cheaper than a
    libcst visitor, which rebuilds every node it passes.
    """
    kind = type(node)
    names = _CHILD_FIELDS.get(kind)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(kind) if not any(p in f.name for p in _LAYOUT))
        _CHILD_FIELDS[kind] = names
    children: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            children.append(value)
        elif isinstance(value, (list, tuple)):
            children.extend(v for v in value if isinstance(v, cst.CSTNode))
    return children


def iter_nodes(root: cst.CSTNode, skip: tuple[type, ...] = ()) -> Iterator[cst.CSTNode]:
    """All nodes under ``root`` (itself included), pre-order; the children of
    ``skip`` types are not entered."""
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, skip):
            stack.extend(reversed(child_nodes(node)))
