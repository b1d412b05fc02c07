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
        raise CallSpecError(f"trace.calls entry {_short(entry)}: expected 'path/to/file.py:function(...)'")
    path, _, func = head.rpartition(":")
    func = func.strip()
    call_text = func + ("()" if paren < 0 else text[paren:])
    try:
        tree = ast.parse(call_text, mode="eval")
    except SyntaxError as exc:
        raise CallSpecError(f"trace.calls entry {_short(entry)}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):  # absurdly nested; NUL bytes
        raise CallSpecError(f"trace.calls entry {_short(entry)}: arguments are nested too deeply") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise CallSpecError(f"trace.calls entry {_short(entry)}: expected a call of a top-level function")
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {}
        for kw in call.keywords:
            if kw.arg is None:
                raise CallSpecError(f"trace.calls entry {_short(entry)}: '**' is not supported")
            kwargs[kw.arg] = ast.literal_eval(kw.value)
    except (ValueError, TypeError, RecursionError, MemoryError):
        raise CallSpecError(f"trace.calls entry {_short(entry)}: arguments must be Python literals") from None
    for value in [*args, *kwargs.values()]:
        problem = _not_json(value)
        if problem:
            # The arguments travel to the trace worker as JSON.
            raise CallSpecError(
                f"trace.calls entry {_short(entry)}: {problem} is not supported "
                "(use numbers, strings, booleans, None, lists, tuples and dicts with string keys)"
            )
    return CallSpec(path=path.strip(), function=call.func.id, args=args, kwargs=kwargs, text=entry)


_JSON_SCALARS = (str, int, float, bool, type(None))
_MAX_DEPTH = 100


def _not_json(value: Any) -> Optional[str]:
    """What in a literal cannot travel as JSON (a set, bytes, a complex...), or None."""
    stack = [(value, 0)]  # iterative: the value may be nested deeply
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return "a value nested this deeply"
        if isinstance(item, _JSON_SCALARS):
            continue
        if isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            if not all(isinstance(k, str) for k in item):
                return "a dict with non-string keys"
            stack.extend((v, depth + 1) for v in item.values())
        else:
            return f"a {type(item).__name__} value"
    return None


def _short(entry: str) -> str:
    return repr(entry if len(entry) <= 80 else entry[:77] + "...")


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
