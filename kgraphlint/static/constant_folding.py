"""Pure standard-library operations on known constants, computed as Python would.

Layer names and widths are often derived from configuration with string methods
and ``math`` (``f"{m.lower()}_{c2}"``, ``math.ceil(c * width / 8) * 8``).  Folding
them keeps the names and sizes pinned down, so KG304 and the shape rules see
what Keras will see.  Only operations whose result depends on nothing but their
arguments are folded, on constants only, with bounded output; anything else
(an unknown argument, an exception, a huge result) is ``None``: not folded.
"""

from __future__ import annotations

import math
import re
import string
from typing import Any, Optional

from kgraphlint.static.values import Const, SeqV, Value

# Methods of ``str`` that return a value computed from the string and the
# arguments only.  Padding methods (``ljust``, ``center``...) are left out: a
# width is unbounded.
_STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "format", "isalnum", "isalpha",
    "isdigit", "islower", "isnumeric", "isupper", "join", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rpartition", "rsplit", "rstrip",
    "split", "startswith", "strip", "swapcase", "title", "upper",
})

# ``math`` functions of numbers to a number.
_MATH_FUNCTIONS = frozenset({
    "ceil", "floor", "trunc", "sqrt", "isqrt", "exp", "log", "log2", "log10", "pow", "gcd", "lcm",
    "fabs", "hypot",
})

MAX_FOLDED_STRING = 10_000


def _python_value(value: Value) -> tuple[bool, Any]:
    """(known, value) of a constant or an exact sequence of constants."""
    if isinstance(value, Const):
        return True, value.value
    if isinstance(value, SeqV) and value.exact and all(isinstance(i, Const) for i in value.items):
        items = [i.value for i in value.items if isinstance(i, Const)]
        return True, tuple(items) if value.is_tuple else items
    return False, None


def _as_value(result: Any) -> Optional[Value]:
    if isinstance(result, (bool, int, float)) or result is None:
        return Const(result)
    if isinstance(result, str):
        return Const(result) if len(result) <= MAX_FOLDED_STRING else None
    if isinstance(result, (list, tuple)) and all(isinstance(i, str) for i in result):
        if sum(len(i) for i in result) > MAX_FOLDED_STRING:
            return None
        return SeqV([Const(i) for i in result], exact=True, is_tuple=isinstance(result, tuple))
    return None


def _bounded_format(template: str, arguments: list[Any]) -> bool:
    """May ``template.format(*arguments)`` be computed?  Plain values only, and
    no width or precision that could make a huge string (``"{:>999999999}"``)."""
    if any(not isinstance(v, (str, int, float, bool)) and v is not None for v in arguments):
        return False
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return False
    for _, _, spec, _ in fields:
        if spec and ("{" in spec or any(int(n) > 1000 for n in re.findall(r"\d+", spec))):
            return False
    return True


def fold_str_method(text: str, name: str, args: list[Value], kwargs: dict[str, Value]) -> Optional[Value]:
    """``text.name(*args, **kwargs)`` when every argument is known, else None."""
    if name not in _STR_METHODS:
        return None
    values = [_python_value(a) for a in args]
    kw = {k: _python_value(v) for k, v in kwargs.items()}
    if not all(known for known, _ in values) or not all(known for known, _ in kw.values()):
        return None
    plain = [v for _, v in values]
    if name == "format" and not _bounded_format(text, plain + [v for _, v in kw.values()]):
        return None
    try:
        result = getattr(text, name)(*plain, **{k: v for k, (_, v) in kw.items()})
    except Exception:
        return None
    return _as_value(result)


def fold_math_call(path: str, args: list[Value], kwargs: dict[str, Value]) -> Optional[Value]:
    """``math.ceil(7 / 2)`` and friends on known numbers, else None."""
    module, _, name = path.rpartition(".")
    if module != "math" or name not in _MATH_FUNCTIONS or kwargs:
        return None
    numbers = []
    for a in args:
        if not (isinstance(a, Const) and isinstance(a.value, (int, float)) and not isinstance(a.value, bool)):
            return None
        numbers.append(a.value)
    if name == "pow" and any(abs(n) > 1e6 for n in numbers):
        return None
    try:
        result = getattr(math, name)(*numbers)
    except Exception:
        return None
    return _as_value(result)
