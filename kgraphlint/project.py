"""Where a file sits in its project: its import root, its dotted module name,
and which of the project's own files an ``import`` statement names.

Read off the file system only (never the current directory, never an import),
so the answer is the same from any working directory:

- a file's package is the chain of directories holding ``__init__.py`` above it
  (``models/net.py`` in a package ``models`` is ``models.net``), as Python, pytest
  and mypy see it;
- above that chain, the nearest directory with a ``pyproject.toml``,
  ``setup.cfg`` or ``setup.py`` is the project directory; its ``src/`` is the
  import root of a src layout; directories between the project directory and the
  package chain are namespace packages (``scripts/train.py`` is
  ``scripts.train``) when their names are identifiers;
- an absolute import is searched in the file's import roots (the root itself,
  the regular package root, the project directory and its ``src/``, for a
  file outside any package its own directory, as ``python file.py`` does, and
  without a project marker, the two directories above, where scripts that
  extend ``sys.path`` find their package), and the directories a script puts
  on ``sys.path`` itself with a literal path (:func:`sys_path_entries`).

Never resolved to project files: the Keras / TensorFlow packages (their API is
known by name, see :mod:`kgraphlint.static.catalogue`), the standard library
(a ``logging.py`` in the project does not shadow ``import logging`` for
modules of a package), and, under a ``site-packages`` root, anything but the
distribution the file belongs to.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
# Known by name (the catalogue), never read as project code, even when the
# project under check is Keras itself.
NEVER_PROJECT = frozenset({"keras", "tensorflow", "tf_keras", "__future__", "__main__", "builtins"})
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_INSTALL_DIRS = ("site-packages", "dist-packages")
# Without a project marker, how many directories above a file's package are
# searched for the project's packages.
MAX_ANCESTOR_ROOTS = 2


@dataclass(frozen=True)
class ModuleInfo:
    """Where one file sits: ``name`` is its dotted module name ("" when the
    file name is not an identifier), ``roots`` the directories its absolute
    imports are searched in, first match wins."""

    path: str
    root: str
    name: str
    is_package: bool
    roots: tuple[str, ...]

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]

    @property
    def distribution(self) -> str:
        return self.name.split(".")[0]


def module_info(path: str) -> ModuleInfo:
    """The import root and dotted name of the file at ``path``."""
    abspath = os.path.normpath(os.path.abspath(path))
    directory, filename = os.path.split(abspath)
    stem = filename[:-3] if filename.endswith(".py") else filename
    is_package = stem == "__init__"
    parts, regular_root = _package_chain(directory)
    if not is_package:
        parts = parts + (stem,)
    project = _project_dir(regular_root)
    root = regular_root
    if project is not None and project != regular_root:
        src = os.path.join(project, "src")
        base = src if _is_under(regular_root, src) else project
        between = _relative_parts(regular_root, base)
        if between is not None and all(p.isidentifier() for p in between):
            root = base
            parts = tuple(between) + parts
    name = ".".join(parts) if all(p.isidentifier() for p in parts) else ""
    roots: list[str] = [root, regular_root]
    if project is not None:
        roots += [os.path.join(project, "src"), project]
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        roots.append(directory)  # ``python scripts/train.py`` puts scripts/ first
    if project is None:
        # No project marker: scripts in ``samples/balloon/`` reach the
        # package two levels up (``sys.path.append(ROOT_DIR)``), last resort.
        above = regular_root
        for _ in range(MAX_ANCESTOR_ROOTS):
            parent = os.path.dirname(above)
            if parent == above or os.path.basename(parent) in _INSTALL_DIRS:
                break
            roots.append(parent)
            above = parent
    prepended, appended = sys_path_entries(abspath)
    roots = list(prepended) + roots + list(appended)
    unique = tuple(dict.fromkeys(r for r in roots if os.path.isdir(r)))
    return ModuleInfo(abspath, root, name, is_package, unique)


# --------------------------------------------------------------------------
# sys.path entries a script adds itself

# Beyond this a file is not scanned for ``sys.path`` changes.
MAX_SCAN_BYTES = 2 * 1024 * 1024
_ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*)\s*=[^=]")


def sys_path_entries(abspath: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The directories a script (or notebook) puts on ``sys.path`` itself
    with a literal path: ``sys.path.insert(0, "src")``,
    ``sys.path.append(os.path.join(os.path.dirname(__file__), "src"))``,
    ``sys.path.insert(0, str(Path(__file__).parent / "src"))``, or a name
    assigned such a path at the top level (``ROOT_DIR = os.path.abspath("../")``).
    (entries put first, entries put last).  A relative path is taken from the
    file's directory (where such scripts are run), so the answer does not
    depend on the current directory; anything not a literal path is ignored.
    """
    data = _head(abspath, MAX_SCAN_BYTES)
    if data is None:
        return (), ()
    if b"sys.path" not in data:
        return (), ()
    return _sys_path_entries(abspath, data)


def _head(abspath: str, size: int) -> Optional[bytes]:
    """The first ``size`` bytes of a file (None: unreadable); in a run, from
    the run's sources (each file is read once per run)."""
    from kgraphlint.safe_io import FileTooLarge
    from kgraphlint.sources import active_sources

    store = active_sources()
    if store is not None:
        try:
            return store.load(abspath).data[:size]
        except FileTooLarge:
            pass  # larger than any file kgraphlint checks: its head only
        except OSError:
            return None
    try:
        with open(abspath, "rb") as fh:
            return fh.read(size)
    except OSError:
        return None


def _sys_path_entries(abspath: str, data: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    import ast

    text = data.decode("utf-8", "replace")
    if abspath.endswith(".ipynb"):
        text = _notebook_code(text)
    directory = os.path.dirname(abspath)
    script = None if abspath.endswith(".ipynb") else abspath
    names: dict[str, ast.expr] = {}
    first: list[str] = []
    last: list[str] = []
    # Statement by statement from the lines that matter (a notebook's magics,
    # or a syntax error elsewhere, do not hide them).
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if "sys.path" not in line and not _ASSIGNMENT.match(line):
            continue
        tree = _statement_from(lines, number)
        if tree is None:
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                if line[:1].isidentifier():  # the top level only
                    names[stmt.targets[0].id] = stmt.value
                continue
            for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call)):
                func = call.func
                if not (isinstance(func, ast.Attribute) and _dotted(func.value) == "sys.path"):
                    continue
                if func.attr == "insert" and len(call.args) == 2:
                    target, arg = first, call.args[1]
                elif func.attr == "append" and len(call.args) == 1:
                    target, arg = last, call.args[0]
                else:
                    continue
                value = _literal_path(arg, names, script, directory, 0)
                if value is not None:
                    target.append(os.path.normpath(os.path.join(directory, value)))
    # A call inside an ``if`` is read with the ``if`` and on its own line.
    return tuple(dict.fromkeys(first)), tuple(dict.fromkeys(last))


# Lines a statement that starts on a sys.path line may continue over.
_MAX_STATEMENT_LINES = 12


def _statement_from(lines: list[str], start: int):
    """The statement starting on ``lines[start]`` (dedented), parsed, with the
    lines that continue it: an open bracket (``sys.path.insert(\n 0, ROOT)``)
    or an ``if``'s block.  None when no prefix of the lines parses."""
    import ast

    head = lines[start].strip()
    for end in range(start + 1, min(start + _MAX_STATEMENT_LINES, len(lines)) + 1):
        # Inside brackets the continuation lines' indentation does not
        # matter; an ``if``'s block keeps its own.
        candidate = "\n".join([head, *lines[start + 1 : end]])
        try:
            return ast.parse(candidate)
        except (SyntaxError, ValueError):
            continue
    return None


def _notebook_code(text: str) -> str:
    import json

    try:
        cells = json.loads(text).get("cells", [])
        sources = [c.get("source", "") for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
        return "\n".join(s if isinstance(s, str) else "".join(map(str, s)) for s in sources)
    except (ValueError, AttributeError, TypeError):
        return ""


def _dotted(node) -> str:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _literal_path(node, names: dict, script: Optional[str], directory: str, depth: int) -> Optional[str]:
    """The path ``node`` stands for, when it is made of literals, ``__file__``
    and ``os.path`` / ``pathlib`` operations (None: anything else).  The
    current directory is taken to be the file's ``directory``."""
    import ast

    def absolute(path: str) -> str:
        return os.path.normpath(path if os.path.isabs(path) else os.path.join(directory, path))

    if depth > 8:
        return None
    again = lambda n: _literal_path(n, names, script, directory, depth + 1)  # noqa: E731
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return script
        if node.id in names:
            return again(names[node.id])
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add)):
        left, right = again(node.left), again(node.right)
        if left is None or right is None:
            return None
        # ``Path(...) / "src"`` joins; ``ROOT + "/src"`` concatenates.
        return os.path.join(left, right) if isinstance(node.op, ast.Div) else left + right
    if isinstance(node, ast.Attribute):
        base = again(node.value)
        if base is None:
            return None
        return os.path.dirname(absolute(base)) if node.attr == "parent" else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        base, index = again(node.value.value), node.slice
        if base is None or not (isinstance(index, ast.Constant) and isinstance(index.value, int)) or index.value < 0:
            return None
        path = absolute(base)
        for _ in range(index.value + 1):
            path = os.path.dirname(path)
        return path
    if not isinstance(node, ast.Call):
        return None
    func = _dotted(node.func)
    args = node.args
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute") and not args:
        inner = again(node.func.value)  # ``Path(__file__).resolve()``
        return absolute(inner) if inner is not None else None
    if func in ("os.getcwd", "Path.cwd", "pathlib.Path.cwd"):
        return directory
    values = [again(a) for a in args]
    if any(v is None for v in values) or node.keywords:
        return None
    paths = [v for v in values if v is not None]
    if func in ("os.path.join", "path.join") and paths:
        return os.path.join(*paths)
    if func in ("os.path.dirname", "path.dirname") and len(paths) == 1:
        return os.path.dirname(absolute(paths[0]))
    if func in ("os.path.abspath", "os.path.realpath", "path.abspath", "path.realpath") and len(paths) == 1:
        return absolute(paths[0])
    if func in ("os.path.normpath", "path.normpath", "str", "os.fspath", "Path", "pathlib.Path", "PurePath") and len(paths) == 1:
        return paths[0]
    if func in ("Path", "pathlib.Path") and paths:
        return os.path.join(*paths)
    return None


@lru_cache(maxsize=4096)
def _package_chain(directory: str) -> tuple[tuple[str, ...], str]:
    """(package names from the top, the first directory above them that is not a package)."""
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return (), directory
    parent = os.path.dirname(directory)
    if parent == directory:
        return (), directory
    parts, root = _package_chain(parent)
    return parts + (os.path.basename(directory),), root


@lru_cache(maxsize=4096)
def _project_dir(directory: str) -> Optional[str]:
    """The nearest directory at or above ``directory`` with a project marker
    (not looking past an installation directory)."""
    while True:
        if os.path.basename(directory) in _INSTALL_DIRS:
            return None
        if any(os.path.isfile(os.path.join(directory, m)) for m in PROJECT_MARKERS):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _is_under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _relative_parts(path: str, base: str) -> Optional[list[str]]:
    if not _is_under(path, base):
        return None
    rel = os.path.relpath(path, base)
    return [] if rel == "." else rel.split(os.sep)


# --------------------------------------------------------------------------
# Resolving imports to files


@dataclass(frozen=True)
class Resolution:
    """What an import names: a file of the project (``path``), a directory that
    is a namespace package (``namespace``), or nothing in the project.

    ``project`` says whether the name belongs to the project at all: a name
    under a project package that matches no file is a missing module (its names
    are unknown), while ``numpy`` is simply third-party.  ``checked`` lists the
    files whose existence decided the answer (for the cache's dependencies).
    """

    path: Optional[str] = None
    namespace: Optional[str] = None
    project: bool = False
    checked: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.path is not None or self.namespace is not None


NOT_PROJECT = Resolution()


def is_candidate_name(dotted: str) -> bool:
    """Whether an absolute import of ``dotted`` may name a project module."""
    top = dotted.split(".")[0]
    return bool(top) and top not in NEVER_PROJECT and top not in _STDLIB


def resolve_absolute(dotted: str, info: ModuleInfo) -> Resolution:
    """The project module an absolute ``import dotted`` in ``info``'s file means."""
    if not is_candidate_name(dotted):
        return NOT_PROJECT
    return _resolve_absolute(dotted, info.roots, info.distribution if _installed(info.root) else "")


def resolve_relative(level: int, dotted: str, info: ModuleInfo) -> Resolution:
    """The project module ``from <level dots><dotted> import ...`` means."""
    package = info.package.split(".") if info.package else []
    if level < 1 or level - 1 > len(package) or not package:
        return Resolution(project=True)  # beyond the top package: an ImportError
    directory = os.path.dirname(info.path)
    for _ in range(level - 1):
        directory = os.path.dirname(directory)
    parts = dotted.split(".") if dotted else []
    return resolve_in_directory(directory, tuple(parts))


@lru_cache(maxsize=16384)
def _resolve_absolute(dotted: str, roots: tuple[str, ...], only_distribution: str) -> Resolution:
    parts = tuple(dotted.split("."))
    if only_distribution and parts[0] != only_distribution:
        return NOT_PROJECT
    checked: list[str] = []
    namespace_hit: Optional[Resolution] = None
    for root in roots:
        top = os.path.join(root, parts[0])
        top_file = top + ".py"
        checked.append(top_file)
        if not (os.path.isdir(top) or os.path.isfile(top_file)):
            continue
        found = resolve_in_directory(root, parts)
        checked.extend(found.checked)
        if found.path is not None:
            return Resolution(path=found.path, project=True, checked=tuple(checked))
        if os.path.isfile(top_file) or os.path.isfile(os.path.join(top, "__init__.py")):
            # A regular package or module of the project without that
            # submodule: a missing module, not a third-party one.
            return Resolution(project=True, checked=tuple(checked))
        if found.namespace is not None and namespace_hit is None:
            namespace_hit = found
    if namespace_hit is not None:
        return Resolution(namespace=namespace_hit.namespace, project=True, checked=tuple(checked))
    return Resolution(checked=tuple(checked))


@lru_cache(maxsize=16384)
def resolve_in_directory(directory: str, parts: tuple[str, ...]) -> Resolution:
    """The module ``parts`` as a module below ``directory`` (``()`` is the directory's package)."""
    checked: list[str] = []
    current = directory
    if not parts:
        init = os.path.join(current, "__init__.py")
        checked.append(init)
        if os.path.isfile(init):
            return Resolution(path=init, project=True, checked=tuple(checked))
        return Resolution(namespace=current, project=True, checked=tuple(checked))
    for i, part in enumerate(parts):
        if not part.isidentifier():
            return Resolution(project=True, checked=tuple(checked))
        last = i == len(parts) - 1
        package_dir = os.path.join(current, part)
        init = os.path.join(package_dir, "__init__.py")
        module_file = package_dir + ".py"
        checked += [init, module_file]
        if os.path.isfile(init):
            if last:
                return Resolution(path=init, project=True, checked=tuple(checked))
            current = package_dir
            continue
        if os.path.isfile(module_file):
            if last:
                return Resolution(path=module_file, project=True, checked=tuple(checked))
            return Resolution(project=True, checked=tuple(checked))  # a module has no submodules
        if os.path.isdir(package_dir):
            if last:
                return Resolution(namespace=package_dir, project=True, checked=tuple(checked))
            current = package_dir
            continue
        return Resolution(project=True, checked=tuple(checked))
    return Resolution(project=True, checked=tuple(checked))


def _installed(root: str) -> bool:
    return os.path.basename(root) in _INSTALL_DIRS


def clear_caches() -> None:
    """Forget the file-system answers (a long-lived process whose files changed)."""
    _package_chain.cache_clear()
    _project_dir.cache_clear()
    _resolve_absolute.cache_clear()
    resolve_in_directory.cache_clear()


# --------------------------------------------------------------------------
# A cheap look at a file's imports, without parsing it

_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w, \t]+)|import[ \t]+([\w., \t]+))", re.M
)


def imported_project_files(path: str, data: bytes) -> list[str]:
    """Project files the import statements of ``data`` may name (a text scan:
    imports inside strings count too, which only costs a look at a file)."""
    info = module_info(path)
    found: list[str] = []
    for match in _IMPORT_LINE.finditer(data):
        dots, module, names, plain = (g.decode("ascii", "replace") if g is not None else None for g in match.groups())
        targets: list[Resolution] = []
        if plain is not None:
            for item in plain.split(","):
                dotted = item.strip().split(" ")[0]
                if dotted:
                    targets.append(resolve_absolute(dotted, info))
        else:
            level = len(dots or "")
            base = module or ""
            targets.append(resolve_relative(level, base, info) if level else resolve_absolute(base, info))
            for name in (names or "").split(","):
                name = name.strip().split(" ")[0]
                if name.isidentifier():
                    dotted = f"{base}.{name}" if base else name
                    targets.append(resolve_relative(level, dotted, info) if level else resolve_absolute(dotted, info))
        found.extend(t.path for t in targets if t.path is not None)
    return list(dict.fromkeys(found))
