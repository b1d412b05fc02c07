"""The rule registry: every ``kgNNN_*.py`` module here holds one Rule."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from kgraphlint.rules.base import Rule


@lru_cache(maxsize=None)
def all_rules() -> dict[str, Rule]:
    """Code -> rule instance, sorted by code."""
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("kg"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and getattr(value, "code", None)
            ):
                found[value.code] = value()
    return dict(sorted(found.items()))


def code_matches(code: str, patterns: "list[str] | tuple[str, ...]") -> bool:
    """``KG1`` matches KG101..KG199, ``KG101`` matches exactly, ``ALL`` all."""
    return any(p == "ALL" or code.startswith(p) for p in patterns)


def selected_rules(select: "list[str] | None", ignore: "list[str] | None") -> list[Rule]:
    rules = all_rules().values()
    return [
        r
        for r in rules
        if (not select or code_matches(r.code, select))
        and not (ignore and code_matches(r.code, ignore))
    ]
