"""Which files to check: expand the paths the user gave into Python source files and notebooks."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kgraphlint.config import Config, path_matches
from kgraphlint.findings import FileError

# Directories that never hold the user's own sources.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", "site-packages", "__pycache__",
        "build", "dist", ".tox", ".nox", "node_modules", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".kgraphlint_cache", ".eggs",
        # Jupyter's autosave copies of the notebooks next to them.
        ".ipynb_checkpoints",
    }
)


# Python files and Jupyter notebooks (their code cells are one program).
SOURCE_SUFFIXES = (".py", ".ipynb")


class MissingPathError(Exception):
    """A path given on the command line does not exist: a usage error."""


@dataclass
class SourceFile:
    """One file to check: ``path`` as the user would write it, ``abspath`` to open."""

    path: str
    abspath: str


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


def discover(paths: Iterable[str], config: Config) -> Discovery:
    """Expand files and directories (recursively) into .py and .ipynb files, in a stable order.

    A file named explicitly is always checked, even when ``exclude`` matches it:
    the user asked for it (pre-commit passes file names this way).  Inside a
    directory, ``exclude`` applies to everything, the directory itself included.
    """
    result = Discovery()
    seen: set[str] = set()
    for raw in paths:
        if not os.path.lexists(raw):
            raise MissingPathError(f"{raw}: no such file or directory")
        if os.path.isdir(raw):
            start = len(result.files)
            _walk(raw, config, result, seen)
            # Depth-first path order (pkg/sub/y.py before pkg/z.py), as ls -R users expect.
            result.files[start:] = sorted(result.files[start:], key=lambda f: f.path.split(os.sep))
        else:
            _add_file(raw, result, seen)
    return result


def _add_file(path: str, result: Discovery, seen: set[str]) -> None:
    abspath = os.path.abspath(path)
    if abspath in seen:
        return
    seen.add(abspath)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        result.errors.append(FileError(path, "broken symbolic link"))
        return
    except OSError as exc:
        result.errors.append(FileError(path, f"cannot read file: {exc.strerror or exc}"))
        return
    if stat.S_ISDIR(st.st_mode):  # only via a race; directories are walked
        result.errors.append(FileError(path, "is a directory, not a Python file"))
    elif not stat.S_ISREG(st.st_mode):
        # FIFOs, sockets, devices: reading them could block forever.
        result.errors.append(FileError(path, "not a regular file"))
    else:
        result.files.append(SourceFile(path, abspath))


def _walk(top: str, config: Config, result: Discovery, seen: set[str]) -> None:
    def on_error(exc: OSError) -> None:
        result.errors.append(FileError(_display(exc.filename or top), f"cannot list directory: {exc.strerror or exc}"))

    # followlinks=False: a symlinked directory loop cannot make the walk endless.
    for dirpath, dirnames, filenames in os.walk(top, onerror=on_error):
        kept = []
        for name in sorted(dirnames):
            full = os.path.join(dirpath, name)
            if name in SKIP_DIRS or name.endswith(".egg-info"):
                continue
            if os.path.exists(os.path.join(full, "pyvenv.cfg")):  # any virtual environment
                continue
            if config.exclude and path_matches(config.relative(Path(full)), config.exclude):
                continue
            if name.endswith(SOURCE_SUFFIXES) and os.path.islink(full):
                # os.walk does not descend into symlinked directories; say so
                # rather than silently dropping something that looks like a file.
                result.errors.append(FileError(_display(full), "is a directory, not a Python file"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            full = os.path.join(dirpath, name)
            if config.exclude and path_matches(config.relative(Path(full)), config.exclude):
                continue
            _add_file(_display(full), result, seen)


def _display(path: str) -> str:
    # "./pkg/x.py" -> "pkg/x.py": what the user would type.
    return os.path.normpath(path) if path.startswith("." + os.sep) else path
