"""Questions about libcst syntax trees the interpreter asks (no abstract values here)."""

from __future__ import annotations

from typing import Any, Optional

import re
import libcst as cst


_RAISES_CONTEXTS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})


def _expects_error(expr: cst.BaseExpression) -> bool:
    """``pytest.raises(E)``, ``self.assertRaisesRegex(E, "...")``..."""
    if not isinstance(expr, cst.Call):
        return False
    func = expr.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    return name in _RAISES_CONTEXTS


def _decorator_names(func: cst.FunctionDef) -> set[str]:
    names = set()
    for dec in func.decorators:
        d = dec.decorator
        if isinstance(d, cst.Name):
            names.add(d.value)
        elif isinstance(d, cst.Attribute):
            names.add(d.attr.value)
    return names


def _is_static(func: Any) -> bool:
    return isinstance(func, cst.FunctionDef) and "staticmethod" in _decorator_names(func)


def _is_classmethod(func: Any) -> bool:
    return isinstance(func, cst.FunctionDef) and "classmethod" in _decorator_names(func)


def _dotted(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    result = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    return result


def _star_names(params: cst.Parameters) -> list[str]:
    names = []
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def _required_args(params: cst.Parameters) -> int:
    return sum(
        1
        for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
        if p.default is None
    )


def _body_statements(func: cst.FunctionDef):
    body = func.body
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return [body]


_ASSIGNED_CACHE: dict[int, tuple[object, set[str]]] = {}


def _assigned_names(stmts) -> set[str]:
    cached = _ASSIGNED_CACHE.get(id(stmts))
    if cached is not None and cached[0] is stmts:
        return cached[1]
    names = _find_assigned(stmts)
    if len(_ASSIGNED_CACHE) > 4096:
        _ASSIGNED_CACHE.clear()
    _ASSIGNED_CACHE[id(stmts)] = (stmts, names)
    return names


def _find_assigned(stmts) -> set[str]:
    names: set[str] = set()
    for stmt in stmts:
        _assigned_in(stmt, names)
    return names


def _assigned_in(stmt: cst.CSTNode, names: set[str]) -> None:
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    _target_names(target.target, names)
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                _target_names(small.target, names)
        return
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return
    if isinstance(stmt, cst.For):
        _target_names(stmt.target, names)
    for part in (getattr(stmt, "body", None), getattr(stmt, "orelse", None), getattr(stmt, "finalbody", None)):
        if part is None:
            continue
        if isinstance(part, cst.If):
            _assigned_in(part, names)
            continue
        inner = getattr(part, "body", None)
        if isinstance(inner, cst.IndentedBlock):
            inner = inner.body
        if isinstance(inner, (list, tuple)):
            for s2 in inner:
                _assigned_in(s2, names)
    for handler in getattr(stmt, "handlers", ()) or ():
        for s2 in handler.body.body:
            _assigned_in(s2, names)
    for case in getattr(stmt, "cases", ()) or ():
        for s2 in case.body.body:
            _assigned_in(s2, names)


def _target_names(target: cst.CSTNode, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            _target_names(el.value, names)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, names)


def _is_test_function(node: Any) -> bool:
    return isinstance(node, cst.FunctionDef) and node.name.value.startswith("test")


def _called_function_names(module: cst.Module, text: str) -> set[str]:
    """Names of functions defined in the module that are called somewhere.

    A text scan (``name(`` not preceded by ``def`` or ``.``) is enough here and
    much cheaper than walking the tree.
    """
    names: set[str] = set()
    for stmt in module.body:
        _collect_def_names(stmt, names)
    called: set[str] = set()
    for match in _CALL_PATTERN.finditer(text):
        name = match.group(2)
        if name in names and match.group(1) is None:
            called.add(name)
    return called


def _literal_elements(expr: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    if isinstance(expr, (cst.List, cst.Tuple)) and not any(
        isinstance(el, cst.StarredElement) for el in expr.elements
    ):
        return [el.value for el in expr.elements]
    return None


_CALL_PATTERN = re.compile(r"(def\s+)?(?<![\w.])([A-Za-z_]\w*)\s*\(")


def _collect_def_names(stmt: cst.CSTNode, names: set[str]) -> None:
    if isinstance(stmt, cst.FunctionDef):
        names.add(stmt.name.value)
        body = stmt.body
        if isinstance(body, cst.IndentedBlock):
            for inner in body.body:
                _collect_def_names(inner, names)
    elif isinstance(stmt, (cst.If, cst.ClassDef, cst.With, cst.For, cst.While, cst.Try)):
        body = stmt.body
        if isinstance(body, cst.IndentedBlock):
            for inner in body.body:
                _collect_def_names(inner, names)
