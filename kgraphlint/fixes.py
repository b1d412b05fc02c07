"""Applying autofixes to a file: edits bottom-up, re-parse, safe write.

The write itself (content check, temp file, metadata, rename) is
:func:`kgraphlint.safe_io.write_fixed`.  The file is read again before the
edits apply (they are only valid for the bytes that were analysed); when it
still holds them, the run's decoding of it is used (``sources``, the run's
:class:`~kgraphlint.sources.SourceStore`) rather than decoding it again.  For a notebook the edits apply to its
code cells (positions are cell-relative) and only those cells' sources are
rewritten in the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional

from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.fix_toolkit import apply_to_text
from kgraphlint.notebook import NotebookError, is_notebook, read_notebook, replace_sources
from kgraphlint.safe_io import describe, read_regular, write_fixed
from kgraphlint.static.parse import ParseFailure, decode_source, encode_source, parse_text

if TYPE_CHECKING:
    from kgraphlint.notebook import Notebook
    from kgraphlint.sources import SourceStore

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Files larger than this are never analysed (kgraphlint.lint.MAX_FILE_BYTES),
# so no fix can be for one; the bound keeps a swapped-in /dev/zero harmless.
_MAX_FIX_BYTES = 16 * 1024 * 1024
# Notebooks carry their outputs (kgraphlint.lint.MAX_NOTEBOOK_BYTES).
_MAX_NOTEBOOK_FIX_BYTES = 128 * 1024 * 1024


class FixError(Exception):
    """A fix could not be applied; the file was left unchanged."""


def fixed_text(text: str, fixes: Iterable[Fix]) -> str:
    """``text`` with the safe fixes applied (see :func:`kgraphlint.fix_toolkit.apply_to_text`:
    identical edits apply once, a fix colliding with an earlier one is skipped)."""
    return apply_to_text(text, fixes)


def apply_fixes(
    path: str, findings: Iterable[Finding], *, write: bool = True, sources: "Optional[SourceStore]" = None
) -> Optional[str]:
    """Apply the fixes of ``findings`` located in ``path``.

    Returns the new text, or None when nothing changes (so a second run is a
    no-op).  With ``write=False`` the file is not touched (``--diff``).  Raises
    FixError when the file cannot be read, no longer holds the content the
    findings were computed from (``Fix.source_sha256``), cannot be written
    safely (see :func:`kgraphlint.safe_io.write_fixed`), or the result would
    not parse.
    """
    if is_notebook(path):
        if not any(f.fix and f.path == path for f in findings):
            return None
        changes = notebook_fixes(path, findings, write=write, sources=sources)
        return None if changes is None else changes.new_data.decode("utf-8", errors="replace")
    texts = fixed_texts(path, findings, write=write, sources=sources)
    return None if texts is None else texts[1]


def fixed_texts(
    path: str, findings: Iterable[Finding], *, write: bool = True, sources: "Optional[SourceStore]" = None
) -> Optional[tuple[str, str]]:
    """:func:`apply_fixes` for a Python file, returning (old text, new text)."""
    findings = list(findings)
    fixes = [f.fix for f in sorted(findings, key=Finding.sort_key) if f.fix and f.path == path]
    if not fixes:
        return None
    data = _current_bytes(path, fixes, _MAX_FIX_BYTES)
    known = sources.get(path) if sources is not None else None
    try:
        # The run's decoding when the file still holds the analysed bytes.
        text = known.text() if known is not None and known.data == data else decode_source(data)
    except ParseFailure as exc:
        raise FixError(f"{path}: cannot read file: {exc}") from None
    new_text = fixed_text(text, fixes)
    if new_text == text:
        return None
    try:
        parse_text(new_text, path)
    except ParseFailure as exc:
        raise FixError(f"{path}: the fix would produce invalid Python ({exc}); file left unchanged") from None
    if write:
        problem = write_fixed(path, data, encode_source(new_text, data))
        if problem:
            raise FixError(f"{path}: {problem}")
    return text, new_text


def _current_bytes(path: str, fixes: list[Fix], limit: int) -> bytes:
    """What ``path`` holds now, if it is what the fixes were computed from."""
    try:
        data = read_regular(path, limit)
    except OSError as exc:
        raise FixError(f"{path}: cannot read file: {describe(exc)}") from None
    analysed = {fix.source_sha256 for fix in fixes if fix.source_sha256}
    if len(analysed) > 1 or (analysed and hashlib.sha256(data).hexdigest() not in analysed):
        # Edit positions are only valid for the bytes they were computed from:
        # applied to a file saved since, they would garble it.
        raise FixError(f"{path}: file changed since it was checked; not fixed (run kgraphlint again)")
    return data


@dataclass
class NotebookChanges:
    """What fixing a notebook changes: the new bytes and, per cell, old and new source."""

    new_data: bytes
    cells: dict[int, tuple[str, str]]


def notebook_fixes(
    path: str, findings: Iterable[Finding], *, write: bool = True, sources: "Optional[SourceStore]" = None
) -> Optional[NotebookChanges]:
    """Apply the fixes of ``findings`` to the code cells of the notebook ``path``.

    The edits are relative to cells (``Edit.cell``); only the changed cells'
    ``source`` values are rewritten in the file, everything else is kept byte
    for byte.  Returns None when nothing changes; raises FixError when the
    notebook cannot be read or a fixed cell would not be valid Python.
    """
    fixes = [f.fix for f in sorted(findings, key=Finding.sort_key) if f.fix and f.path == path]
    data = _current_bytes(path, fixes, _MAX_NOTEBOOK_FIX_BYTES)
    known = sources.get(path) if sources is not None else None
    try:
        notebook: "Notebook" = known.notebook() if known is not None and known.data == data else read_notebook(data)
    except NotebookError as exc:
        raise FixError(f"{path}: cannot read notebook: {exc}") from None
    cell_sources = {cell.number: cell.source for cell in notebook.cells.cells}
    if not fixes or any(e.cell not in cell_sources for fix in fixes for e in fix.edits):
        return None
    new_sources = _fixed_cells(cell_sources, fixes)
    if new_sources is None:
        raise FixError(f"{path}: cannot apply the fixes to the cells; file left unchanged")
    changed = {n: (cell_sources[n], text) for n, text in new_sources.items() if text != cell_sources[n]}
    if not changed:
        return None
    try:
        new_data = replace_sources(data, {n: new for n, (_, new) in changed.items()})
        fixed = read_notebook(new_data)
        broken = [c.number for c in fixed.cells.cells if c.number in changed and c.syntax_error is not None]
        if broken:
            raise ParseFailure(f"cell {broken[0]} would not be valid Python")
        parse_text(fixed.program, path)
    except (NotebookError, ParseFailure) as exc:
        raise FixError(f"{path}: the fix would break the notebook ({exc}); file left unchanged") from None
    if write:
        problem = write_fixed(path, data, new_data)
        if problem:
            raise FixError(f"{path}: {problem}")
    return NotebookChanges(new_data, changed)


# Between cells while their fixes are applied as one text: no edit (they are
# cell-relative) can reach it, and no cell source holds it.
_CELL_BOUNDARY = "\n\x00kgraphlint-cell-boundary\x00\n"


def _fixed_cells(sources: dict[int, str], fixes: list[Fix]) -> Optional[dict[int, str]]:
    """The cells with the fixes applied, with the same rules as one file.

    The cells are joined into one text (apart by a boundary line) so that a
    fix is accepted or skipped as a whole even when it edits two cells (an
    added import in cell 1 and the call in cell 5).
    """
    numbers = sorted(sources)
    if any("\x00" in sources[n] for n in numbers):
        return None
    first_line: dict[int, int] = {}
    line = 1
    for n in numbers:
        first_line[n] = line
        line += len(_LINE_BREAK.findall(sources[n])) + 2  # the boundary takes 2 breaks
    joined = _CELL_BOUNDARY.join(sources[n] for n in numbers)
    moved = [
        dataclasses.replace(
            fix,
            edits=[
                dataclasses.replace(
                    e,
                    line=first_line[e.cell or 0] + e.line - 1,  # every e.cell is a cell number (checked)
                    end_line=first_line[e.cell or 0] + e.end_line - 1,
                    cell=None,
                )
                for e in fix.edits
            ],
        )
        for fix in fixes
    ]
    parts = fixed_text(joined, moved).split(_CELL_BOUNDARY)
    if len(parts) != len(numbers):
        return None
    return dict(zip(numbers, parts))


__all__ = ["Edit", "Fix", "FixError", "NotebookChanges", "apply_fixes", "fixed_text", "fixed_texts", "notebook_fixes"]
