"""``trace.calls`` entries: ``"models/net.py:build(num_classes=10)"``.

The argument values are Python literals, read with ``ast.literal_eval``:
nothing in the configuration is ever executed.  No keras import.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Any, Optional


class CallSpecError(ValueError):
    """A ``trace.calls`` entry that cannot be read."""


@dataclass
class CallSpec:
    path: str  # as written in the configuration
    function: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def to_json(self) -> list:
        return [self.function, self.args, self.kwargs]


def parse_call(entry: str) -> CallSpec:
    """Parse ``path:function(literal args...)`` (the parentheses are optional)."""
    text = entry.strip()
    paren = text.find("(")
    head = text if paren < 0 else text[:paren]
    if ":" not in head:
        raise CallSpecError(f"trace.calls entry {entry!r}: expected 'path/to/file.py:function(...)'")
    path, _, func = head.rpartition(":")
    func = func.strip()
    call_text = func + ("()" if paren < 0 else text[paren:])
    try:
        tree = ast.parse(call_text, mode="eval")
    except SyntaxError as exc:
        raise CallSpecError(f"trace.calls entry {entry!r}: {exc.msg}") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise CallSpecError(f"trace.calls entry {entry!r}: expected a call of a top-level function")
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {}
        for kw in call.keywords:
            if kw.arg is None:
                raise CallSpecError(f"trace.calls entry {entry!r}: '**' is not supported")
            kwargs[kw.arg] = ast.literal_eval(kw.value)
    except ValueError:
        raise CallSpecError(f"trace.calls entry {entry!r}: arguments must be Python literals") from None
    return CallSpec(path=path.strip(), function=call.func.id, args=args, kwargs=kwargs, text=entry)


def matches(spec_path: str, abspath: str, roots: list[str]) -> bool:
    """Whether a configured path names the file at ``abspath``."""
    target = os.path.realpath(abspath)
    if os.path.isabs(spec_path):
        return os.path.realpath(spec_path) == target
    for root in roots:
        if os.path.realpath(os.path.join(root, spec_path)) == target:
            return True
    norm = os.path.normpath(spec_path)
    return target.endswith(os.sep + norm)


def calls_for(entries: list[str], abspath: str, roots: Optional[list[str]] = None) -> tuple[list[CallSpec], list[str]]:
    """The parsed entries that apply to one file, and error texts for bad ones."""
    specs: list[CallSpec] = []
    errors: list[str] = []
    for entry in entries:
        try:
            spec = parse_call(entry)
        except CallSpecError as exc:
            # Report a bad entry on the file it names (when it names one).
            named = entry.strip().split("(", 1)[0].rpartition(":")[0].strip()
            if named and matches(named, abspath, roots or [os.getcwd()]):
                errors.append(str(exc))
            continue
        if matches(spec.path, abspath, roots or [os.getcwd()]):
            specs.append(spec)
    return specs, errors
