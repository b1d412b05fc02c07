"""Source names for what the tracer saw: ``x`` rather than ``keras_tensor_12``.

Messages name things by their source names (``meta``, ``base.output``).  The
tracer knows *where* a layer was created or called (line and column of the
call expression); this module finds that expression in the file's syntax tree
and returns the variable it was assigned to, or its source text.

Plain ``ast``; no keras import.
"""

from __future__ import annotations

import ast
from typing import Optional

from kgraphlint.graph import Site

_MAX_LABEL = 60


def _char_col(lines: list[str], line: int, byte_col: int) -> int:
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        if not text.isascii():
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
    return byte_col


class LabelIndex:
    """Call expressions of one file, by their 1-based start position."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self._calls: dict[tuple[int, int], list[tuple[tuple[int, int], ast.Call]]] = {}
        self._targets: dict[int, str] = {}
        # ``X.trainable = ...`` targets by start: their object's source text.
        self._trainable_targets: dict[tuple[int, int], str] = {}
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Attribute) and target.attr == "trainable":
                        start = (target.lineno, self._col(target.lineno, target.col_offset) + 1)
                        self._trainable_targets[start] = self.segment(target.value)
                if len(targets) == 1 and isinstance(targets[0], (ast.Name, ast.Attribute, ast.Subscript)):
                    if node.value is not None:
                        self._targets[id(node.value)] = self.segment(targets[0])
            elif isinstance(node, ast.Call) and node.end_lineno is not None:
                start = (node.lineno, self._col(node.lineno, node.col_offset) + 1)
                end = (node.end_lineno, self._col(node.end_lineno, node.end_col_offset or 0) + 1)
                self._calls.setdefault(start, []).append((end, node))

    def _col(self, line: int, byte_col: int) -> int:
        return _char_col(self.lines, line, byte_col)

    def segment(self, node: ast.AST) -> str:
        # ast.get_source_segment re-splits the whole file on every call.
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if start is None or end is None or not (1 <= start <= end <= len(self.lines)):
            return ""
        chunk = [line.encode("utf-8") for line in self.lines[start - 1 : end]]
        chunk[-1] = chunk[-1][: node.end_col_offset]  # type: ignore[attr-defined]
        chunk[0] = chunk[0][node.col_offset :]  # type: ignore[attr-defined]
        text = b"".join(chunk).decode("utf-8", errors="replace")
        text = " ".join(text.split())
        return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 3] + "..."

    def call_at(self, site: Optional[Site]) -> Optional[ast.Call]:
        if site is None or site.path != self.path or site.line <= 0:
            return None
        candidates = self._calls.get((site.line, site.column))
        if not candidates:
            return None
        for end, call in candidates:
            if end == (site.end_line, site.end_column):
                return call
        # Positions differ only at the end: the outermost call starting there.
        return max(candidates, key=lambda c: c[0])[1]

    def assigned_name(self, site: Optional[Site]) -> Optional[str]:
        call = self.call_at(site)
        return self._targets.get(id(call)) if call is not None else None

    def label(self, site: Optional[Site]) -> Optional[str]:
        """The assigned variable, else the expression's source text."""
        call = self.call_at(site)
        if call is None:
            return None
        return self._targets.get(id(call)) or self.segment(call)

    def trainable_target(self, site: Optional[Site]) -> Optional[str]:
        """``base`` for the ``base.trainable = ...`` assignment starting at ``site``."""
        if site is None or site.path != self.path:
            return None
        return self._trainable_targets.get((site.line, site.column))

    def expression_text(self, site: Optional[Site]) -> Optional[str]:
        call = self.call_at(site)
        return self.segment(call) if call is not None else None

    def model_arguments(self, site: Optional[Site]) -> tuple[list[str], list[Optional[Site]], list[str], list[Optional[Site]]]:
        """Per-position source text and sites of a ``Model(inputs, outputs)`` call."""
        call = self.call_at(site)
        if call is None:
            return [], [], [], []
        args: dict[str, Optional[ast.expr]] = {"inputs": None, "outputs": None}
        for i, arg in enumerate(call.args[:2]):
            args["inputs" if i == 0 else "outputs"] = arg
        for kw in call.keywords:
            if kw.arg in args:
                args[kw.arg] = kw.value
        result: list = []
        for key in ("inputs", "outputs"):
            expr = args[key]
            if expr is None:
                result += [[], []]
                continue
            elements = list(expr.elts) if isinstance(expr, (ast.List, ast.Tuple)) else [expr]
            result.append([self.segment(e) for e in elements])
            result.append([self._site(e) for e in elements])
        return result[0], result[1], result[2], result[3]

    def _site(self, node: ast.expr) -> Site:
        end_line = node.end_lineno or node.lineno
        return Site(
            self.path,
            node.lineno,
            self._col(node.lineno, node.col_offset) + 1,
            end_line,
            self._col(end_line, node.end_col_offset or node.col_offset) + 1,
        )
