"""Applying autofixes to a file: edits bottom-up, re-parse, safe write.

The write itself (content check, temp file, metadata, rename) is
:func:`kgraphlint.safe_io.write_fixed`.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional

from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.fix_toolkit import apply_to_text
from kgraphlint.safe_io import describe, read_regular, write_fixed
from kgraphlint.static.parse import ParseFailure, decode_source, encode_source, parse_text

# Files larger than this are never analysed (kgraphlint.lint.MAX_FILE_BYTES),
# so no fix can be for one; the bound keeps a swapped-in /dev/zero harmless.
_MAX_FIX_BYTES = 16 * 1024 * 1024


class FixError(Exception):
    """A fix could not be applied; the file was left unchanged."""


def fixed_text(text: str, fixes: Iterable[Fix]) -> str:
    """``text`` with the safe fixes applied (see :func:`kgraphlint.fix_toolkit.apply_to_text`:
    identical edits apply once, a fix colliding with an earlier one is skipped)."""
    return apply_to_text(text, fixes)


def apply_fixes(path: str, findings: Iterable[Finding], *, write: bool = True) -> Optional[str]:
    """Apply the fixes of ``findings`` located in ``path``.

    Returns the new text, or None when nothing changes (so a second run is a
    no-op).  With ``write=False`` the file is not touched (``--diff``).  Raises
    FixError when the file cannot be read, no longer holds the content the
    findings were computed from (``Fix.source_sha256``), cannot be written
    safely (see :func:`kgraphlint.safe_io.write_fixed`), or the result would
    not parse.
    """
    fixes = [f.fix for f in sorted(findings, key=Finding.sort_key) if f.fix and f.path == path]
    if not fixes:
        return None
    try:
        data = read_regular(path, _MAX_FIX_BYTES)
    except OSError as exc:
        raise FixError(f"{path}: cannot read file: {describe(exc)}") from None
    analysed = {fix.source_sha256 for fix in fixes if fix.source_sha256}
    if len(analysed) > 1 or (analysed and hashlib.sha256(data).hexdigest() not in analysed):
        # Edit positions are only valid for the bytes they were computed from:
        # applied to a file saved since, they would garble it.
        raise FixError(f"{path}: file changed since it was checked; not fixed (run kgraphlint again)")
    try:
        text = decode_source(data)
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
    return new_text


__all__ = ["Edit", "Fix", "FixError", "apply_fixes", "fixed_text"]
