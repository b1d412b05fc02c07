"""Concise text report: one line per finding, for CI logs, editors and pre-commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from kgraphlint.findings import location
from kgraphlint.report.names import one_line
from kgraphlint.report.summary import skip_line, skips_of, summary_line

if TYPE_CHECKING:
    from kgraphlint.findings import Finding
    from kgraphlint.lint import LintResult
    from kgraphlint.rules.base import Rule


def format_finding(f: "Finding") -> str:
    # One finding, one line (and one line per note): names and messages escaped.
    lines = [f"{location(one_line(f.path), f.line, f.column, f.cell)}: {f.code} [{f.severity}] {one_line(f.message)}"]
    if f.hint:
        lines.append(f"    help: {one_line(f.hint)}")
    for r in f.related:
        lines.append(f"    note: {location(one_line(r.path), r.line, r.column, r.cell)}: {one_line(r.message)}")
    if f.fix is not None:
        lines.append(f"    fix: {one_line(f.fix.description)} (apply with --fix)")
    return "\n".join(lines)


def render(result: "LintResult", out: TextIO, rules: "dict[str, Rule]", *, quiet: bool = False) -> None:
    for f in result.findings:
        out.write(format_finding(f) + "\n")
    for e in result.errors:
        out.write(f"{one_line(e.path)}: error: {one_line(e.message)}\n")
    # Skipped work is never silent, not even with --quiet: it is what keeps a
    # clean report from reading as "everything passed".
    for skip in skips_of(result):
        out.write(skip_line(skip) + "\n")
    if not quiet:
        out.write(summary_line(result) + "\n")
