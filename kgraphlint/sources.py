"""The files of one run: each read once and decoded once, shared by every stage.

A file's bytes are read by :meth:`SourceStore.load` (the one read of the
pipeline, through :func:`kgraphlint.safe_io.read_regular`); its
:class:`Source` decodes them once, on first use, as Python would (or as a
notebook), and keeps what later stages derive from the text: its suppression
comments and its lines.  Analysis, imported-module parsing, suppressions of
trace findings, reports (code frames, SARIF notebook positions), trace labels
and ``--diff`` all ask the run's store instead of opening the file again.

Only ``--fix`` reads a file again on purpose, just before writing: the check
that the file still holds the bytes that were analysed.

The store lives as long as the run's :class:`~kgraphlint.lint.LintResult`;
:meth:`SourceStore.retain` drops the files no report will point into.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from typing import TYPE_CHECKING, Iterable, Optional

from kgraphlint.safe_io import FileTooLarge, read_regular

if TYPE_CHECKING:
    from kgraphlint.notebook import Notebook
    from kgraphlint.suppress import Suppressions

# The largest files read: kgraphlint.lint.MAX_FILE_BYTES / MAX_NOTEBOOK_BYTES.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 128 * 1024 * 1024

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_limit(path: str) -> int:
    from kgraphlint.notebook import is_notebook

    return MAX_NOTEBOOK_BYTES if is_notebook(path) else MAX_SOURCE_BYTES


class Source:
    """One file's bytes and what is derived from them, each computed once.

    ``text()`` and ``notebook()`` raise the same ParseFailure / NotebookError
    every time they are asked (the failure is remembered too).  Picklable:
    ``--jobs`` workers get the bytes with the job.
    """

    __slots__ = ("path", "abspath", "data", "_digest", "_text", "_notebook", "_failure", "_suppressions", "_lines")

    def __init__(self, path: str, data: bytes, abspath: Optional[str] = None) -> None:
        self.path = path
        self.abspath = abspath or os.path.abspath(path)
        self.data = data
        self._digest: Optional[str] = None
        self._text: Optional[str] = None
        self._notebook: Optional["Notebook"] = None
        self._failure: Optional[Exception] = None
        self._suppressions: Optional["Suppressions"] = None
        self._lines: Optional[list[str]] = None

    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"Source({self.path!r}, {len(self.data)} bytes)"

    @property
    def is_notebook(self) -> bool:
        from kgraphlint.notebook import is_notebook

        return is_notebook(self.path)

    @property
    def digest(self) -> str:
        """SHA-256 of the bytes (what the cache and --fix compare)."""
        if self._digest is None:
            self._digest = hashlib.sha256(self.data).hexdigest()
        return self._digest

    def text(self) -> str:
        """The Python source, decoded as Python would (PEP 263, BOM); raises ParseFailure.

        For a notebook: its program (see :meth:`program`).
        """
        if self.is_notebook:
            return self.notebook().program
        if self._text is None:
            if self._failure is not None:
                raise self._failure
            from kgraphlint.static.parse import ParseFailure, decode_source

            try:
                self._text = decode_source(self.data)
            except ParseFailure as exc:
                self._failure = exc
                raise
        return self._text

    def notebook(self) -> "Notebook":
        """The notebook read from the bytes; raises NotebookError."""
        if self._notebook is None:
            if self._failure is not None:
                raise self._failure
            from kgraphlint.notebook import NotebookError, read_notebook

            try:
                self._notebook = read_notebook(self.data)
            except NotebookError as exc:
                self._failure = exc
                raise
        return self._notebook

    def program(self) -> str:
        """What the engines analyse: the text, or a notebook's program."""
        return self.text()

    def suppressions(self) -> "Suppressions":
        """Line -> codes silenced by the comments of the program (tokenized once)."""
        if self._suppressions is None:
            from kgraphlint.suppress import comment_suppressions

            text = self.program()
            self._suppressions = comment_suppressions(text) if "#" in text else {}
        return self._suppressions

    def lines(self) -> list[str]:
        """The decoded text split at every line break (what code frames show).

        Undecodable bytes are shown replaced rather than not at all.
        """
        if self._lines is None:
            from kgraphlint.static.parse import ParseFailure

            try:
                text = self.text()
            except ParseFailure:
                text = self.data.decode("utf-8", errors="replace")
            self._lines = _LINE_BREAK.split(text)
        return self._lines

    def decoded(self) -> tuple[Optional[str], Optional["Notebook"]]:
        """What decoding produced, to hand back from a ``--jobs`` worker."""
        return self._text, self._notebook

    def adopt(self, decoded: tuple[Optional[str], Optional["Notebook"]]) -> None:
        """Take a worker's decoding of the same bytes instead of decoding again."""
        text, notebook = decoded
        if self._text is None and text is not None:
            self._text = text
        if self._notebook is None and notebook is not None:
            self._notebook = notebook


class SourceStore:
    """The sources of one run, by absolute path; each file is read at most once."""

    def __init__(self) -> None:
        self._sources: dict[str, Source] = {}
        self._failures: dict[str, OSError] = {}
        self.reads = 0  # files read from disk in this run

    def __contains__(self, path: str) -> bool:
        return os.path.abspath(path) in self._sources

    def __len__(self) -> int:
        return len(self._sources)

    def get(self, path: str) -> Optional[Source]:
        """The source already read for ``path`` (as given or absolute), or None."""
        return self._sources.get(os.path.abspath(path))

    def put(self, source: Source) -> None:
        """Keep ``source`` (bytes read elsewhere: ``lint_source``'s caller, a
        ``--jobs`` worker's job), replacing what was kept for its file."""
        self._sources[source.abspath] = source
        self._failures.pop(source.abspath, None)

    def forget(self, path: str) -> None:
        """Read ``path`` afresh next time (it changed, or its parse was evicted)."""
        key = os.path.abspath(path)
        self._sources.pop(key, None)
        self._failures.pop(key, None)

    def load(self, path: str, limit: Optional[int] = None, abspath: Optional[str] = None) -> Source:
        """The source of ``path``, read now if this run has not read it yet.

        Raises what :func:`read_regular` raises (OSError and its subclasses
        NotRegularFile / FileTooLarge); a failed read is not retried.
        """
        key = abspath or os.path.abspath(path)
        limit = read_limit(path) if limit is None else limit
        found = self._sources.get(key)
        if found is not None:
            if len(found.data) > limit:
                raise FileTooLarge(errno.EFBIG, f"file is larger than {limit} bytes")
            return found
        failure = self._failures.get(key)
        if failure is not None:
            raise failure
        try:
            self.reads += 1
            data = read_regular(key, limit)
        except FileTooLarge:
            raise  # another caller may accept more
        except OSError as exc:
            self._failures[key] = exc
            raise
        source = self._sources[key] = Source(path, data, key)
        return source

    def try_load(self, path: str, limit: Optional[int] = None) -> Optional[Source]:
        """:meth:`load`, None when the file cannot be read."""
        try:
            return self.load(path, limit)
        except OSError:
            return None

    def retain(self, paths: Iterable[str]) -> None:
        """Forget every source but those of ``paths`` (the files findings point into)."""
        keep = {os.path.abspath(p) for p in paths}
        self._sources = {k: v for k, v in self._sources.items() if k in keep}
        self._failures.clear()

_RUN: Optional[SourceStore] = None


def active_sources() -> Optional[SourceStore]:
    """The store of the run in progress (:func:`kgraphlint.lint.lint_paths`), if
    any: what stages far from the pipeline (a module's ``sys.path`` scan) read
    through, instead of opening the file again."""
    return _RUN


def set_active_sources(store: Optional[SourceStore]) -> None:
    global _RUN
    _RUN = store


__all__ = [
    "MAX_NOTEBOOK_BYTES", "MAX_SOURCE_BYTES", "Source", "SourceStore", "active_sources", "read_limit",
    "set_active_sources",
]
