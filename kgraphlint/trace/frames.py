"""Which stack frames are user code, and where exactly they are.

The tracer attributes every layer creation, layer call and exception to the
innermost frame that is *user code*: not Python's standard library, not an
installed package (keras, tensorflow, numpy...) and not kgraphlint itself.
Among those it prefers a frame in the file being traced, so a finding about
``net.py`` points into ``net.py`` even when a helper module did the work.

No keras import here: the parent process uses this module too.
"""

from __future__ import annotations

import importlib.util
import linecache
import os
import site
import sys
import sysconfig
from types import CodeType, FrameType, TracebackType
from typing import Iterator, Optional

from kgraphlint.graph import Site
from kgraphlint.vocab.families import KERAS_DISTRIBUTIONS

_library_dirs: Optional[tuple[str, ...]] = None
_is_user_cache: dict[str, bool] = {}
_positions_cache: dict[CodeType, list] = {}


def _real(path: str) -> str:
    return os.path.realpath(path)


def library_dirs() -> tuple[str, ...]:
    """Directories whose code is never "user code" (each ends with os.sep)."""
    global _library_dirs
    if _library_dirs is None:
        dirs: set[str] = set()
        paths = sysconfig.get_paths()
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            if paths.get(key):
                dirs.add(_real(paths[key]))
        try:
            dirs.update(_real(p) for p in site.getsitepackages())
        except AttributeError:  # some virtualenv flavours
            pass
        # kgraphlint may be installed in editable mode, outside site-packages.
        dirs.add(_real(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        for name in (*KERAS_DISTRIBUTIONS, "numpy"):
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.submodule_search_locations:
                for loc in spec.submodule_search_locations:
                    dirs.add(_real(loc))
        _library_dirs = tuple(sorted(d.rstrip(os.sep) + os.sep for d in dirs))
    return _library_dirs


def is_user_file(filename: str) -> bool:
    cached = _is_user_cache.get(filename)
    if cached is None:
        if not filename or filename.startswith("<"):
            cached = False
        else:
            real = _real(filename)
            cached = not any(real.startswith(d) for d in library_dirs())
        _is_user_cache[filename] = cached
    return cached


def _column_to_chars(filename: str, line: int, byte_col: int) -> int:
    """co_positions columns are UTF-8 byte offsets; Sites count characters."""
    text = linecache.getline(filename, line)
    if not text or text.isascii():
        return byte_col
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def position(code: CodeType, lasti: int, fallback_line: Optional[int]) -> tuple[int, int, int, int]:
    """1-based (line, column, end_line, end_column) of the instruction at ``lasti``."""
    positions = _positions_cache.get(code)
    if positions is None:
        # Column positions exist from Python 3.11; before, only line numbers.
        if sys.version_info >= (3, 11):
            positions = list(code.co_positions())
        else:  # pragma: no cover - Python 3.10
            positions = []
        _positions_cache[code] = positions
    idx = lasti // 2
    line = end_line = col = end_col = None
    if 0 <= idx < len(positions):
        line, end_line, col, end_col = positions[idx]
    if line is None:
        line = fallback_line or code.co_firstlineno
    if end_line is None:
        end_line = line
    filename = code.co_filename
    if col is None:
        text = linecache.getline(filename, line)
        col = len(text) - len(text.lstrip()) if text else 0
        end_col = len(text.rstrip("\n")) if text else col
        return (line, col + 1, end_line, (end_col or col) + 1)
    col = _column_to_chars(filename, line, col)
    end_col = _column_to_chars(filename, end_line, end_col if end_col is not None else col)
    return (line, col + 1, end_line, end_col + 1)


class SiteMaker:
    """Turns frames into Sites for one traced file.

    ``display_path`` is the path as the user gave it; frames in the traced file
    (compared by real path) get it.  Frames in other user files are named as
    the static engine names an imported module: absolute when the traced file
    was given absolutely, else relative to the user's working directory
    ``user_cwd`` (``../proj/models/net.py`` from a sibling directory).
    """

    def __init__(self, display_path: str, abspath: str, user_cwd: Optional[str] = None) -> None:
        self.display_path = display_path
        self.abspath = abspath
        self.user_cwd = user_cwd
        self.real = _real(abspath)
        self._file_is_traced: dict[str, bool] = {}
        self._file_in_project: dict[str, bool] = {}
        from kgraphlint.project import module_info

        # The directories the traced file's own imports are found in: a frame
        # there is the project's code (a helper of ``models/blocks.py``).
        self.project_dirs = tuple(os.path.join(_real(d), "") for d in module_info(abspath).roots)

    def in_traced_file(self, filename: str) -> bool:
        hit = self._file_is_traced.get(filename)
        if hit is None:
            hit = bool(filename) and not filename.startswith("<") and _real(filename) == self.real
            self._file_is_traced[filename] = hit
        return hit

    def path_for(self, filename: str) -> str:
        if self.in_traced_file(filename):
            return self.display_path
        if self.user_cwd is not None and not os.path.isabs(self.display_path):
            try:
                return os.path.relpath(filename, self.user_cwd)
            except ValueError:  # another drive
                return filename
        base = self._user_directory()
        try:
            rel = os.path.relpath(filename, base) if base is not None else os.path.relpath(filename)
            return filename if rel.startswith("..") else rel
        except ValueError:
            return filename

    def _user_directory(self) -> Optional[str]:
        """The directory the user's paths are relative to (the worker runs
        elsewhere): what the traced file's absolute path has before the path
        the user gave, so a helper module is named as the static engine names it."""
        shown = os.path.normpath(self.display_path)
        if os.path.isabs(shown) or shown.split(os.sep)[0] == "..":
            return None
        real_shown = os.path.normpath(os.path.join(os.sep, shown))
        absolute = os.path.normpath(self.abspath)
        if not absolute.endswith(real_shown):
            return None
        return absolute[: len(absolute) - len(real_shown)] or os.sep

    def is_user(self, filename: str) -> bool:
        return self.in_traced_file(filename) or is_user_file(filename)

    def site(self, code: CodeType, lasti: int, lineno: Optional[int]) -> Site:
        line, col, end_line, end_col = position(code, lasti, lineno)
        return Site(self.path_for(code.co_filename), line, col, end_line, end_col)

    def in_project(self, filename: str) -> bool:
        hit = self._file_in_project.get(filename)
        if hit is None:
            hit = (
                bool(filename)
                and not filename.startswith("<")
                and is_user_file(filename)
                and _real(filename).startswith(self.project_dirs)
            )
            self._file_in_project[filename] = hit
        return hit

    def pick(self, frames: Iterator[tuple[CodeType, int, Optional[int]]]) -> Optional[tuple[CodeType, int, Optional[int]]]:
        """The innermost frame in the traced file or another module of its
        project (where the static engine reports a helper's defect too), else
        the innermost user frame.

        ``frames`` runs from innermost to outermost.
        """
        first_user = None
        for entry in frames:
            filename = entry[0].co_filename
            if self.in_traced_file(filename) or self.in_project(filename):
                return entry
            if first_user is None and is_user_file(filename):
                first_user = entry
        return first_user

    def site_of_stack(self, frame: Optional[FrameType]) -> Optional[Site]:
        entry = self.pick(_walk_frames(frame))
        return self.site(*entry) if entry else None

    def calls_of_stack(self, frame: Optional[FrameType]) -> tuple[tuple[Site, str], ...]:
        """The calls in the traced file's code that the innermost frame of
        :meth:`site_of_stack` runs under, outermost first: ``(site of the
        call, name of the function called)`` (see :class:`kgraphlint.graph.When`)."""
        frames = list(_walk_frames(frame))
        picked = self.pick(iter(frames))
        if picked is None:
            return ()
        calls: list[tuple[Site, str]] = []
        callee = picked[0].co_name
        for entry in frames[frames.index(picked) + 1:]:
            code = entry[0]
            if self.in_traced_file(code.co_filename):
                calls.append((self.site(*entry), callee))
            callee = code.co_name
        return tuple(reversed(calls))

    def site_of_traceback(self, tb: Optional[TracebackType]) -> Optional[Site]:
        entries = []
        while tb is not None:
            entries.append((tb.tb_frame.f_code, tb.tb_lasti, tb.tb_lineno))
            tb = tb.tb_next
        entry = self.pick(reversed(entries))
        return self.site(*entry) if entry else None


def _walk_frames(frame: Optional[FrameType]) -> Iterator[tuple[CodeType, int, Optional[int]]]:
    while frame is not None:
        yield (frame.f_code, frame.f_lasti, frame.f_lineno)
        frame = frame.f_back
