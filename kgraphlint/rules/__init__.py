"""The rule registry: every ``kgNNN_*.py`` module here holds one Rule."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    # Imported by all_rules: the graph model behind it is not needed to match codes.
    from kgraphlint.rules.base import Rule


@lru_cache(maxsize=None)
def all_rules() -> dict[str, Rule]:
    """Code -> rule instance, sorted by code."""
    from kgraphlint.rules.base import Rule

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


_RULE_MODULE = re.compile(r"^kg(\d{3})_")


@lru_cache(maxsize=None)
def _module_codes() -> frozenset[str]:
    """The codes the ``kgNNN_`` module names spell (listed once per process)."""
    return frozenset(
        f"KG{m.group(1)}" for info in pkgutil.iter_modules(__path__) if (m := _RULE_MODULE.match(info.name))
    )


def _cheap_codes() -> set[str]:
    """Codes known without importing a rule module (libcst behind them costs
    ~0.4 s): the ``kgNNN_`` module names, plus any registry already loaded."""
    codes = set(_module_codes())
    if all_rules.cache_info().currsize:
        codes.update(all_rules())
    return codes


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors (codes or prefixes) that match no rule of the live registry."""
    selectors = list(selectors)

    def unmatched(codes: Iterable[str]) -> list[str]:
        codes = list(codes)
        return [s for s in selectors if not any(code_matches(c, (s,)) for c in codes)]

    missing = unmatched(_cheap_codes())
    if missing:  # a rule defined under another module name: ask the real registry
        missing = unmatched(all_rules())
    return missing
