"""With ``--trace``, the real graph wins over the static reading of it.

The static engine reads the source and may pin down a graph that the program
never builds that way (a parameter it could not know, a branch it merged).
When the tracer built the same model for real and ran the same rule on it
without that finding, the static finding is withdrawn rather than reported
beside a clean trace.

"The same model" is its construction site: a static graph finding is about
the models whose construction line, layers or calls contain the finding's
line (:func:`subject_models`).  The trace covers a model when it built a model
at that line and the file's trace completed (no builder raised, nothing
skipped).  A static finding is withdrawn only when every model it is about is
covered, the trace ran its rule, and the trace reported that rule neither at
the finding's line nor at those models' lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, nodes_between

# Rules whose facts the tracer cannot produce: its silence proves nothing
# (``Layer.used`` is unknown in a trace, so KG203 never fires there).
TRACE_BLIND = frozenset({"KG203"})


def subject_key(finding: Finding) -> str:
    return f"{finding.code}:{finding.path}:{finding.line}:{finding.column}"


def subject_models(facts: Facts, finding: Finding) -> tuple[int, ...]:
    """Construction lines of the user models (of ``finding``'s file) that the
    finding's line belongs to: the ``Model(...)`` line itself, or the line of a
    layer created or called in it."""
    line = finding.line
    lines: set[int] = set()
    for model in facts.models:
        site = model.site
        if site is None or model.library_made or site.path != finding.path:
            continue
        if site.line == line or _touches(model, line):
            lines.add(site.line)
    return tuple(sorted(lines))


def _touches(model, line: int) -> bool:
    for node in nodes_between(model):
        if node.called_at is not None and node.called_at.line == line:
            return True
        created = node.layer.created_at
        if created is not None and created.line == line:
            return True
    return any(l.created_at is not None and l.created_at.line == line for l in model.extra_layers)


@dataclass
class TraceCoverage:
    """What the tracer built for one file, and whether it saw all of it."""

    model_lines: set[int] = field(default_factory=set)
    complete: bool = True
    rules: frozenset[str] = frozenset()

    @classmethod
    def of(cls, path: str, facts: Facts, rules: Iterable[str], skipped: bool) -> "TraceCoverage":
        lines = {
            m.site.line
            for m in facts.models
            if m.site is not None and not m.library_made and m.site.path == path
        }
        return cls(lines, complete=not facts.errors and not skipped, rules=frozenset(rules))


def withdraw_contradicted(
    static: list[Finding],
    trace: list[Finding],
    subjects: dict[str, tuple[int, ...]],
    coverage: dict[str, TraceCoverage],
) -> list[Finding]:
    """``static`` without the findings a complete trace of their models contradicts."""
    reported: dict[tuple[str, str], set[int]] = {}
    for t in trace:
        reported.setdefault((t.path, t.code), set()).add(t.line)
    kept = []
    for f in static:
        if _contradicted(f, reported, subjects.get(subject_key(f)), coverage.get(f.path)):
            continue
        kept.append(f)
    return kept


def _contradicted(
    f: Finding,
    reported: dict[tuple[str, str], set[int]],
    models: Optional[tuple[int, ...]],
    cov: Optional[TraceCoverage],
) -> bool:
    if f.engine != "static" or f.code in TRACE_BLIND or not models or cov is None:
        return False
    if not cov.complete or f.code not in cov.rules:
        return False
    if not set(models) <= cov.model_lines:
        return False
    lines = reported.get((f.path, f.code), set())
    return f.line not in lines and not (set(models) & lines)
