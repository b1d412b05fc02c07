"""Import resolution without importing: which dotted Keras path a name or an
attribute chain means, read off a module's import statements, and which files
belong to the Keras / TensorFlow packages themselves.

Shared by the source rules (KG401, KG402).
"""

from __future__ import annotations

import os
from functools import lru_cache
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Union

import libcst as cst

from kgraphlint.static.cst_walk import child_nodes, dotted_parts
from kgraphlint.vocab.families import KERAS2_PACKAGE, split_family

if TYPE_CHECKING:
    from kgraphlint.project import ModuleInfo

@dataclass(frozen=True)
class ImportBinding:
    """One name an import statement binds: the one answer, for the engine,
    the source rules and the fixes, to "what does this import bind".

    ``name`` is the local name (``"*"`` for a star import).  ``path`` is the
    dotted path it stands for when the statement alone says so: ``import a.b``
    binds ``a`` to ``"a"``, ``import a.b as x`` binds ``x`` to ``"a.b"``,
    ``from m import n as k`` binds ``k`` to ``"m.n"``; None for relative
    imports (the importing file's package decides) and star imports.
    ``module`` is the module the statement names (``a.b`` for ``import a.b``,
    ``m`` for ``from m import n``, None for ``from . import n``), ``level`` the
    number of leading dots, ``attribute`` the imported name of a ``from``
    import, and ``aliased`` whether ``as`` renamed it.
    """

    name: str
    path: Optional[str]
    module: Optional[str]
    level: int = 0
    attribute: Optional[str] = None
    aliased: bool = False

    @property
    def star(self) -> bool:
        return self.name == "*"


def import_bindings(stmt: Union[cst.Import, cst.ImportFrom]) -> list[ImportBinding]:
    """The names ``stmt`` binds, in order."""
    found: list[ImportBinding] = []
    if isinstance(stmt, cst.Import):
        for alias in stmt.names:
            parts = dotted_parts(alias.name)
            if not parts:
                continue
            full = ".".join(parts)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                found.append(ImportBinding(alias.asname.name.value, full, full, aliased=True))
            else:
                found.append(ImportBinding(parts[0], parts[0], full))
        return found
    level = len(stmt.relative)
    module_parts = dotted_parts(stmt.module) if stmt.module is not None else None
    module = ".".join(module_parts) if module_parts else None
    absolute = level == 0 and module is not None
    if isinstance(stmt.names, cst.ImportStar):
        return [ImportBinding("*", None, module, level)]
    for alias in stmt.names:
        if not isinstance(alias.name, cst.Name):
            continue
        attribute = alias.name.value
        aliased = alias.asname is not None and isinstance(alias.asname.name, cst.Name)
        name = alias.asname.name.value if aliased else attribute  # type: ignore[union-attr]
        path = f"{module}.{attribute}" if absolute else None
        found.append(ImportBinding(name, path, module, level, attribute, aliased))
    return found


# Imported project modules' own bindings, per process: file -> (the content
# digest they were collected from, bindings).  The loader decides freshness.
_MODULE_BINDINGS: dict[str, tuple[str, "ImportBindings"]] = {}
# Modules being followed right now (an import cycle stops there).
_FOLLOWING: set[tuple[str, str]] = set()
MAX_FOLLOW_DEPTH = 16


def _resolve_in_module(path: str, name: str) -> frozenset[str]:
    """What the project module at ``path`` binds ``name`` to by import."""
    key = (path, name)
    if key in _FOLLOWING or len(_FOLLOWING) >= MAX_FOLLOW_DEPTH:
        return frozenset()
    bindings = _module_bindings(path)
    if bindings is None:
        return frozenset()
    _FOLLOWING.add(key)
    try:
        return bindings.resolve_name(name)
    finally:
        _FOLLOWING.discard(key)


def _module_bindings(path: str) -> Optional["ImportBindings"]:
    """The bindings of a project module, from the loader's parse (shared with
    the engine, read once per run)."""
    from kgraphlint.static.modules import shared_loader

    loaded = shared_loader().load(path, path)
    if loaded is None:
        return None
    cached = _MODULE_BINDINGS.get(path)
    if cached is not None and cached[0] == loaded.digest:
        return cached[1]
    bindings = ImportBindings()
    bindings.collect(loaded.ctx.module, path)
    _MODULE_BINDINGS[path] = (loaded.digest, bindings)
    return bindings


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    """Names bound by an assignment / for / with target."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


class ImportBindings:
    """One walk of a module: what every name may be bound to.

    ``imports[name]`` is the set of dotted paths that import statements bind
    ``name`` to anywhere in the file (``import keras`` binds ``keras`` to
    ``"keras"``; ``from tensorflow import keras as tfk`` binds ``tfk`` to
    ``"tensorflow.keras"``).  A name that is also bound any other way (a
    ``def``, a class, an assignment, a parameter, a loop variable...) is in
    ``other``: it resolves to nothing, because we cannot tell which binding a
    use sees.  Scopes are deliberately merged: precision over recall.
    """

    def __init__(self) -> None:
        self.imports: dict[str, set[str]] = {}
        self.other: set[str] = set()
        # Names imported from the project's own modules (``from .compat import
        # K``), when the file's path is known: -> (module file, imported name).
        # They resolve to what that module binds the name to (its own import).
        self.project_names: dict[str, tuple[str, str]] = {}
        self._info: Optional["ModuleInfo"] = None
        # True while the walk is inside the body of a `try:` that falls back
        # on a missing module (see handles_missing_module).
        self.guarded = False

    def collect(self, module: cst.Module, path: Optional[str] = None) -> None:
        """Walk the module once, calling ``visit_<NodeType>`` hooks; a hook
        returning False keeps the walk out of that node's children.  With the
        file's ``path``, names imported from the project's own modules are
        followed there."""
        if path is not None and os.path.isfile(path):
            from kgraphlint.static.modules import shared_loader

            self._info = shared_loader().info(os.path.abspath(path))
        hooks: dict[type, Optional[Callable[[cst.CSTNode], Optional[bool]]]] = {}
        stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
        while stack:
            node, guarded = stack.pop()
            kind = type(node)
            if kind not in hooks:
                hooks[kind] = getattr(self, f"visit_{kind.__name__}", None)
            hook = hooks[kind]
            if hook is not None:
                self.guarded = guarded
                if hook(node) is False:
                    continue
            children = child_nodes(node)
            if isinstance(node, cst.Try) and any(handles_missing_module(h) for h in node.handlers):
                stack.extend((c, guarded or c is node.body) for c in reversed(children))
            else:
                stack.extend((c, guarded) for c in reversed(children))

    # -- queries --------------------------------------------------------------
    def resolve_name(self, name: str) -> frozenset[str]:
        """Dotted import paths ``name`` may stand for; empty when unknown."""
        if name in self.other:
            return frozenset()
        found = frozenset(self.imports.get(name, ()))
        origin = self.project_names.get(name)
        if origin is not None:
            found |= _resolve_in_module(*origin)
        return found

    def resolve(self, expr: cst.BaseExpression) -> frozenset[str]:
        """Dotted paths a Name/Attribute chain may stand for; empty when unknown."""
        parts = dotted_parts(expr)
        if not parts:
            return frozenset()
        roots = self.resolve_name(parts[0])
        rest = ".".join(parts[1:])
        return frozenset(f"{r}.{rest}" if rest else r for r in roots)

    def keras_family_in_use(self) -> bool:
        """Whether any import in the file reaches Keras or TensorFlow."""
        return any(
            split_family(p) is not None or p == "tensorflow" or p.startswith("tensorflow.")
            for paths in self.imports.values()
            for p in paths
        )

    # -- bindings -------------------------------------------------------------
    def _project_module(self, node: cst.ImportFrom) -> Optional[str]:
        """The project file ``from <module> import ...`` reads, if any."""
        if self._info is None or isinstance(node.names, cst.ImportStar):
            return None
        from kgraphlint.project import resolve_absolute, resolve_relative

        level = len(node.relative)
        parts = dotted_parts(node.module) if node.module is not None else []
        if parts is None:
            return None
        dotted = ".".join(parts)
        resolution = resolve_relative(level, dotted, self._info) if level else resolve_absolute(dotted, self._info)
        return resolution.path if resolution.project else None

    def _import(self, name: str, path: str) -> None:
        self.imports.setdefault(name, set()).add(path)

    def visit_Import(self, node: cst.Import) -> Optional[bool]:
        for binding in import_bindings(node):
            self._import(binding.name, binding.path or binding.name)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> Optional[bool]:
        source = self._project_module(node)
        for binding in import_bindings(node):
            if binding.star:
                # A star import binds names we cannot list, but only ones we
                # do not resolve anyway.
                continue
            if source is not None and binding.attribute is not None:
                # Resolved in that module (nothing there: unknown).
                self.project_names[binding.name] = (source, binding.attribute)
            elif binding.path is None:
                # Relative imports name the user's own modules.
                self.other.add(binding.name)
            else:
                self._import(binding.name, binding.path)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.other.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.other.add(node.name.value)

    def visit_Param(self, node: cst.Param) -> None:
        self.other.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.other.update(_target_names(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.other.update(_target_names(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.other.update(_target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.other.update(_target_names(node.target))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.other.update(_target_names(node.target))

    def visit_AsName(self, node: cst.AsName) -> None:
        # ``with ... as x`` / ``except E as x`` (import aliases never get here:
        # the import visitors return False).
        self.other.update(_target_names(node.name))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.other.update(_target_names(node.target))

    def visit_Global(self, node: cst.Global) -> None:
        self.other.update(n.name.value for n in node.names)


def alias_binding(alias: cst.ImportAlias) -> str:
    """The local name an import alias binds."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    parts = dotted_parts(alias.name) or ["?"]
    return parts[0]


# A `try:` whose handler catches one of these is a version shim: the private
# name is tried first and the code falls back when it is gone (as on Keras 3).
_MISSING_MODULE_ERRORS = frozenset(
    {"ImportError", "ModuleNotFoundError", "AttributeError", "Exception", "BaseException"}
)


def handles_missing_module(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for t in types:
        expr = t.value if isinstance(t, cst.Element) else t
        if not isinstance(expr, cst.BaseExpression):  # never: a StarredElement is an expression too
            continue
        parts = dotted_parts(expr)
        if parts and parts[-1] in _MISSING_MODULE_ERRORS:
            return True
    return False


def inside_keras_package(path: str) -> bool:
    """Whether ``path`` is a file of the Keras distribution itself.

    Keras's own modules (``site-packages/keras/src/...``, ``keras/api/...``)
    legitimately import ``keras.src``: the rule is about *user* code reaching
    into Keras's private modules.  A file belongs to Keras when one of its
    parent directories is a ``keras`` (or ``tf_keras``) package that has a
    ``src`` sub-package, which is how Keras 3 (and tf_keras) lay themselves out.
    """
    directory = os.path.dirname(os.path.abspath(path))
    return any(_inside_package(directory, package, "src") for package in ("keras", KERAS2_PACKAGE))


def inside_tensorflow_package(path: str) -> bool:
    """Whether ``path`` is a file of TensorFlow itself (which owns ``tensorflow.python.keras``)."""
    return _inside_package(os.path.dirname(os.path.abspath(path)), "tensorflow", "python")


@lru_cache(maxsize=512)
def _inside_package(directory: str, package: str, subpackage: str) -> bool:
    """Whether ``directory`` is (inside) a directory named ``package`` that is a
    Python package with the sub-package ``subpackage``."""
    while True:
        if (
            os.path.basename(directory) == package
            and os.path.isfile(os.path.join(directory, "__init__.py"))
            and os.path.isfile(os.path.join(directory, subpackage, "__init__.py"))
        ):
            return True
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
