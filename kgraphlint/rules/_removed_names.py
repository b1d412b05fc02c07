"""Names Keras 3 does not have: imports and attribute chains (KG401).

``from keras.preprocessing.image import ImageDataGenerator``,
``from keras.losses import mse``, ``keras.utils.numerical_utils``... reach a
name that Keras 3's public API lacks, read off the table generated from the
installed Keras (:mod:`kgraphlint.vocab.public_api`).  Only paths that
resolve to Keras 3 are judged (``keras``, ``tensorflow.keras`` / ``tf.keras``),
never ``tf_keras`` (Keras 2, where they are legal), never a file that runs
as Keras 2 (:func:`kgraphlint.vocab.families.runs_as_keras2`).
"""

from __future__ import annotations

import re
from typing import Callable, Iterator, NamedTuple, Optional, Protocol, Sequence, Union

import libcst as cst

from kgraphlint.findings import Fix
from kgraphlint.fix_toolkit import replace
from kgraphlint.static.cst_walk import dotted_parts
from kgraphlint.static.imports import alias_binding
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import split_family
from kgraphlint.vocab.public_api import Missing, homes_of, keras_version, missing_from_keras3, renamed
from kgraphlint.vocab.replacements import removed_name_hint


class RemovedName(NamedTuple):
    node: cst.CSTNode
    message: str
    hint: str
    fix: Optional[Fix]


class Names(Protocol):
    """What the check needs from KG401's walk (its ``_Collector``)."""

    import_nodes: list[Union[cst.Import, cst.ImportFrom]]
    chains: list[cst.Attribute]
    assigned: set[int]

    def resolve_name(self, name: str) -> frozenset[str]: ...


def removed_names(ctx: SourceContext, names: Names, private: Callable[[str], bool]) -> Iterator[RemovedName]:
    """Every import and attribute chain of the file that names something Keras 3
    lacks (private paths are left to KG401's own check)."""
    for node in names.import_nodes:
        if isinstance(node, cst.Import):
            for alias in node.names:
                parts = dotted_parts(alias.name)
                if parts and not private(".".join(parts)):
                    missing = missing_from_keras3(".".join(parts))
                    if missing is not None:
                        yield _removed(ctx, alias, ".".join(parts), missing, None)
        else:
            yield from _import_from(ctx, node, private)
    for chain in names.chains:
        if id(chain) not in names.assigned:
            found = _chain(ctx, names, chain, private)
            if found is not None:
                yield found


def _import_from(ctx: SourceContext, node: cst.ImportFrom, private: Callable[[str], bool]) -> Iterator[RemovedName]:
    if node.relative or node.module is None:
        return
    module_parts = dotted_parts(node.module)
    if not module_parts:
        return
    module = ".".join(module_parts)
    if private(module):
        return
    missing = missing_from_keras3(module)
    if missing is not None:
        # The module itself is gone: one finding, naming where its names live now.
        leaves = [] if isinstance(node.names, cst.ImportStar) else [alias_binding(a) for a in node.names]
        yield _removed(ctx, node.module, module, missing, None, leaves)
        return
    if isinstance(node.names, cst.ImportStar):
        return
    for alias in node.names:
        name_parts = dotted_parts(alias.name)
        if not name_parts or len(name_parts) != 1:
            continue
        path = f"{module}.{name_parts[0]}"
        if private(path):
            continue
        missing = missing_from_keras3(path)
        if missing is None:
            continue
        fix = None
        new = renamed(path)
        if new is not None and new.rpartition(".")[0] == module:
            leaf = new.rpartition(".")[2]
            # `mse` -> `mean_squared_error as mse`: every use keeps its name.
            text = leaf if alias.asname is not None else f"{leaf} as {name_parts[0]}"
            fix = Fix(f"import `{leaf}`, Keras 3's name for it", [replace(ctx, alias.name, text)])
        yield _removed(ctx, alias, path, missing, fix)


def _chain(
    ctx: SourceContext, names: Names, chain: cst.Attribute, private: Callable[[str], bool]
) -> Optional[RemovedName]:
    parts = dotted_parts(chain)
    if not parts or len(parts) < 2:
        return None
    roots = names.resolve_name(parts[0])
    if not roots or any(private(r) or missing_from_keras3(r) is not None for r in roots):
        return None  # unknown, or the import binding it is the finding
    found: list[tuple[str, Missing]] = []
    for root in roots:
        path = ".".join([root, *parts[1:]])
        missing = missing_from_keras3(path)
        if missing is None or private(path):
            return None  # one reading of the name is fine
        found.append((path, missing))
    path, missing = sorted(found)[0]
    if _probed(ctx.text, missing.name):
        return None
    # The sub-chain that ends at the missing name.
    depth = len(parts) - len(path.split(".")) + len(missing.module.split(".")) + 1
    node: cst.BaseExpression = chain
    for _ in range(len(parts) - depth):
        assert isinstance(node, cst.Attribute)
        node = node.value
    fix = None
    shown = ".".join(path.split(".")[: len(missing.module.split(".")) + 1])
    new = renamed(shown)
    if len(roots) == 1 and new is not None and new.rpartition(".")[0] == missing.module and isinstance(node, cst.Attribute):
        leaf = new.rpartition(".")[2]
        fix = Fix(f"use `{leaf}`, Keras 3's name for it", [replace(ctx, node.attr, leaf)])
    return _removed(ctx, node, path, missing, fix)


def _probed(text: str, name: str) -> bool:
    """Whether the file tests for the name itself (``hasattr(keras.layers,
    "ThresholdedReLU")``, ``getattr(..., "X", None)``): a version shim."""
    return ("hasattr" in text or "getattr" in text) and re.search(rf"""['"]{re.escape(name)}['"]""", text) is not None


def _removed(
    ctx: SourceContext,
    node: cst.CSTNode,
    path: str,
    missing: Missing,
    fix: Optional[Fix],
    imported: Sequence[str] = (),
) -> RemovedName:
    shown = ".".join(path.split(".")[: len(missing.module.split(".")) + 1])
    message = (
        f"`{_written(shown)}` does not exist in Keras 3 (checked against keras {keras_version()}): "
        f"`{_written(missing.module)}` has no `{missing.name}`."
    )
    return RemovedName(node, message, _hint(shown, path, imported, fix), fix)


def _written(module: str) -> str:
    return "tf.keras" + module[len("tensorflow.keras") :] if module.startswith("tensorflow.keras") else module


def _hint(shown: str, path: str, imported: Sequence[str], fix: Optional[Fix]) -> str:
    split = split_family(path)
    family, rel = split if split else ("keras", path)
    if fix is not None:
        return f"{fix.description}, the same function"
    hint = removed_name_hint(rel)
    if hint:
        return hint
    new = renamed(shown)
    if new is not None:
        return f"Keras 3 calls it `{new}`"
    # Where the names live now: the imported names of a removed module, or
    # the path's last name.
    leaves = list(imported) or [path.rpartition(".")[2]]
    homes = [homes_of(leaf, family) for leaf in leaves]
    if all(homes):
        common = set.intersection(*(set(h) for h in homes))
        if common:
            module = sorted(common, key=lambda m: (m.count("."), m))[0]
            names = ", ".join(f"`{leaf}`" for leaf in leaves)
            return f"{names} {'is' if len(leaves) == 1 else 'are'} public in `{_written(module)}`: import from there"
    return "Keras 3 removed it: find its replacement in the Keras 3 API, or keep Keras 2 code on `tf_keras`"
