"""Keras 3's public API as data: its modules and their names, renames, where
top-level names are defined, and the keyword arguments of its layer and
optimizer constructors.

The tables are generated from the installed Keras into
:mod:`kgraphlint.vocab.keras_api` (``python -m kgraphlint.vocab.generate``;
``tests/test_vocab.py`` fails when the installed Keras disagrees).  They are
loaded on first use, so static mode never imports Keras and files that never
ask pay nothing.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType
from typing import NamedTuple, Optional

from kgraphlint.vocab.families import KERAS3_FAMILIES


def _data() -> ModuleType:
    from kgraphlint.vocab import keras_api  # generated, ~150 kB: only on first use

    return keras_api


def keras_version() -> str:
    """The Keras release the tables were generated from."""
    return str(_data().VERSION)


@lru_cache(maxsize=None)
def module_names(module: str) -> Optional[frozenset[str]]:
    """Public names of a public Keras 3 module (``"keras.layers"``,
    ``"tensorflow.keras.losses"``), submodules included; None when ``module``
    is not a public module of Keras 3."""
    entry = _data().MODULES.get(module)
    return frozenset(entry[0].split()) if entry is not None else None


def public_names(module: str) -> frozenset[str]:
    """The public names of ``module`` that are not submodules (empty when it is
    not a public module)."""
    entry = _data().MODULES.get(module)
    if entry is None:
        return frozenset()
    return frozenset(entry[0].split()) - frozenset(entry[1].split())


def is_public_module(module: str) -> bool:
    return module in _data().MODULES


def renamed(path: str) -> Optional[str]:
    """Keras 3's name for an alias that ``keras`` dropped and
    ``tensorflow.keras`` kept (``keras.losses.mse`` ->
    ``keras.losses.mean_squared_error``), else None."""
    return _data().RENAMES.get(path)


def top_level_home() -> dict[str, str]:
    """``keras.<Name>`` -> the ``keras.src`` module that defines it."""
    return dict(_data().TOP_LEVEL_HOME)


class Signature(NamedTuple):
    accepted: frozenset[str]
    open: bool  # it swallows unknown keyword arguments: accepts anything


@lru_cache(maxsize=None)
def constructor_keywords(path: str) -> Optional[Signature]:
    """What a public layer / optimizer class (``keras.layers.Conv2D``,
    ``tensorflow.keras.optimizers.Adam``) accepts, or None when unknown."""
    entry = _data().SIGNATURES.get(path)
    if entry is None:
        return None
    return Signature(frozenset(entry[0].split()), bool(entry[1]))


@lru_cache(maxsize=None)
def application_names() -> frozenset[str]:
    """The model builders of ``keras.applications`` (``InceptionV3``...)."""
    return frozenset(n for n in public_names("keras.applications") if n[:1].isupper())


@lru_cache(maxsize=None)
def _homes(family: str) -> dict[str, tuple[str, ...]]:
    homes: dict[str, list[str]] = {}
    for module in _data().MODULES:
        if module == family or module.startswith(family + "."):
            for name in public_names(module):
                homes.setdefault(name, []).append(module)
    return {name: tuple(sorted(mods, key=lambda m: (m.count("."), m))) for name, mods in homes.items()}


def homes_of(name: str, family: str = "keras") -> tuple[str, ...]:
    """The public modules of a Keras 3 family that have ``name`` (not as a
    submodule), shallowest first: ``homes_of("Rescaling")`` -> ``("keras.layers",)``."""
    return _homes(family).get(name, ())


class Missing(NamedTuple):
    """A dotted path into Keras 3 that does not exist."""

    module: str  # the deepest public module on the path
    name: str  # the first part of the path that module does not have


def missing_from_keras3(path: str) -> Optional[Missing]:
    """Where a dotted path under ``keras`` / ``tensorflow.keras`` leaves Keras 3's
    public API, or None when it exists or is not under those families.

    Only the public tree is judged: ``keras.src`` and underscore names are
    someone else's business (KG401 reports ``keras.src``), and so is anything
    past a public non-module name (``keras.layers.Dense.call`` is an
    attribute of a class).
    """
    parts = path.split(".")
    for family in KERAS3_FAMILIES:
        root = family.split(".")
        if parts[: len(root)] == root:
            break
    else:
        return None
    module = family
    for part in parts[len(root) :]:
        names = module_names(module)
        if names is None or part.startswith("_") or part == "src":
            return None
        if part not in names:
            return Missing(module, part)
        child = f"{module}.{part}"
        if not is_public_module(child):
            return None  # a class, function or constant: it exists
        module = child
    return None
