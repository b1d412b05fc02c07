"""Source text positions: line offsets and slicing by 1-based (line, column)
positions (the edits of autofixes are built by :mod:`kgraphlint.fix_toolkit`)."""

from __future__ import annotations

import re


def text_offsets(text: str) -> list[int]:
    """Offset of the start of every line (for slicing by 1-based positions)."""
    starts = [0]
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.append(match.end())
    return starts


def slice_text(text: str, starts: list[int], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text between two 1-based (line, column) positions."""
    a = starts[start[0] - 1] + start[1] - 1
    b = starts[end[0] - 1] + end[1] - 1
    return text[a:b]
