"""Wording shared by the reports: counts, the summary line, and skipped work.

The summary says exactly what was done: how many files were checked (and
traced), how many of them have findings, and what was not checked or not
traced.  It says "All checks passed" only when nothing was skipped.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable

from kgraphlint.findings import NOTHING_FOUND, SEVERITIES, Skip

if TYPE_CHECKING:
    from kgraphlint.lint import LintResult

# How a skip reads after its path ("big.py: skipped: file is larger than 2 MiB").
STAGE_WORDS = {"check": "skipped", "trace": "not traced"}
# The reason of a trace skip for a file that was traced, but not all of it
# (a builder could not run): "not fully traced: <why>".
PARTLY = "not fully traced"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def skips_of(result: Any) -> list[Skip]:
    return list(getattr(result, "skipped", None) or ())


def is_partial(skip: Skip) -> bool:
    """A file that was traced, only not completely."""
    return skip.stage == "trace" and skip.reason.startswith(PARTLY + ":")


def skip_label(skip: Skip) -> str:
    """``skipped`` / ``not traced`` / ``not fully traced``: what was not done to ``skip.path``."""
    if is_partial(skip):
        return PARTLY
    return STAGE_WORDS.get(skip.stage, f"not {skip.stage}ed")


def skip_reason(skip: Skip) -> str:
    """The reason without the words of its label."""
    return skip.reason[len(PARTLY) + 1:].strip() if is_partial(skip) else skip.reason


def skip_line(skip: Skip) -> str:
    from kgraphlint.report.names import one_line

    return f"{one_line(skip.path)}: {skip_label(skip)}: {one_line(skip_reason(skip))}"


def _paths(items: Iterable[Any]) -> int:
    return len({item.path for item in items})


def summary_line(result: "LintResult") -> str:
    """What was checked and found, e.g.

    "All checks passed: 12 files." /
    "Found 3 findings (2 errors, 1 warning) in 2 of 12 files; 1 file not traced." /
    "No files checked: no Python files or notebooks found."
    """
    checked = result.files_checked
    skips = skips_of(result)
    empty_dirs = [s for s in skips if s.stage == "check" and s.reason == NOTHING_FOUND]
    not_checked = [s for s in skips if s.stage == "check" and s.reason != NOTHING_FOUND]
    not_traced = [s for s in skips if s.stage == "trace" and not is_partial(s)]
    partly_traced = [s for s in skips if is_partial(s)]
    traced = getattr(result, "files_traced", None)

    files = plural(checked, "file")
    if traced is not None and traced > 0:
        files += f" ({traced} traced)"

    tails: list[str] = []
    if result.errors:
        tails.append(f"{plural(_paths(result.errors), 'file')} could not be checked")
    if not_checked:
        tails.append(f"{plural(_paths(not_checked), 'file')} skipped")
    if traced == 0:
        if not_traced:
            tails.append(f"--trace could trace nothing: {plural(_paths(not_traced), 'file')} not traced")
        else:
            tails.append("--trace had nothing to trace: no file uses Keras")
    elif not_traced:
        tails.append(f"{plural(_paths(not_traced), 'file')} not traced")
    if partly_traced:
        tails.append(f"{plural(_paths(partly_traced), 'file')} {PARTLY}")
    if empty_dirs and checked:
        tails.append(f"{NOTHING_FOUND} in {', '.join(s.path for s in empty_dirs)}")
    tail = "".join(f"; {t}" for t in tails)

    if result.findings:
        by_severity = Counter(f.severity for f in result.findings)
        parts = [plural(by_severity[s], s) for s in reversed(SEVERITIES) if by_severity[s]]
        with_findings = _paths(result.findings)
        # Trace findings can point into files that were not given (a helper
        # module the builder imports): then there is no "of N" to speak of.
        where = files if with_findings >= checked else f"{with_findings} of {files}"
        if with_findings > checked:
            where = plural(with_findings, "file")
        return f"Found {plural(len(result.findings), 'finding')} ({', '.join(parts)}) in {where}{tail}."
    if checked == 0:
        reason = f": {NOTHING_FOUND}" if empty_dirs or not (result.errors or not_checked) else ""
        return f"No files checked{reason}{tail}."
    if tails:
        return f"No findings in {files}{tail}."
    return f"All checks passed: {files}."


def counts_by_rule(result: "LintResult") -> list[tuple[str, str, int]]:
    """(code, name, count), most frequent first (like ``ruff --statistics``)."""
    counts = Counter((f.code, f.name) for f in result.findings)
    return sorted(((c, n, k) for (c, n), k in counts.items()), key=lambda t: (-t[2], t[0]))
