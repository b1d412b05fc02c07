"""Wording shared by the human-readable reports: counts and the summary line."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from kgraphlint.findings import SEVERITIES

if TYPE_CHECKING:
    from kgraphlint.lint import LintResult


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(result: "LintResult") -> str:
    """"Found 3 findings (2 errors, 1 warning) in 12 files." / "All checks passed: 12 files." """
    files = plural(result.files_checked, "file")
    unchecked = f"; {plural(len(result.errors), 'file')} could not be checked" if result.errors else ""
    if not result.findings:
        if result.errors:
            return f"No findings in {files}{unchecked}."
        return f"All checks passed: {files}."
    by_severity = Counter(f.severity for f in result.findings)
    parts = [plural(by_severity[s], s) for s in reversed(SEVERITIES) if by_severity[s]]
    return f"Found {plural(len(result.findings), 'finding')} ({', '.join(parts)}) in {files}{unchecked}."


def counts_by_rule(result: "LintResult") -> list[tuple[str, str, int]]:
    """(code, name, count), most frequent first (like ``ruff --statistics``)."""
    counts = Counter((f.code, f.name) for f in result.findings)
    return sorted(((c, n, k) for (c, n), k in counts.items()), key=lambda t: (-t[2], t[0]))
