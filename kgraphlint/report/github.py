"""GitHub Actions workflow commands (``--format github``): annotations on the PR diff.

Each finding becomes ``::error file=..,line=..,col=..,endLine=..,endColumn=..,title=..::message``
(warnings ``::warning``, info ``::notice``), escaped the way @actions/core does.
Files that could not be checked are ``::error``; skipped work (a file not
checked or not traced, and why) is a ``::notice`` on that file.
In a notebook the annotation is on the line of the ``.ipynb`` file that holds
the code, and the message starts with ``cell N:line:col``.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, TextIO

from kgraphlint.findings import Finding, location
from kgraphlint.report.names import printable
from kgraphlint.report.summary import skip_label, skip_reason, skips_of
from kgraphlint.report.sarif import NotebookPositions

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (@actions/core ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (@actions/core ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, Any], message: str) -> str:
    props = ",".join(f"{key}={escape_property(printable(str(value)))}" for key, value in properties.items())
    message = escape_data(printable(message))
    return f"::{name} {props}::{message}" if props else f"::{name}::{message}"


def finding_command(finding: Finding, notebooks: Optional[NotebookPositions] = None) -> str:
    properties: dict[str, Any] = {"file": finding.path}
    message = finding.message
    if finding.cell is not None:
        # A notebook: annotate the line of the .ipynb that holds this code
        # (what the pull request diff shows); the cell position leads the message.
        message = f"{location('', finding.line, finding.column, finding.cell)[1:]}: {message}"
        notebooks = notebooks or NotebookPositions()
        start = notebooks.position(finding.path, finding.cell, finding.line, finding.column)
        end = notebooks.position(finding.path, finding.cell, finding.end_line, finding.end_column)
        if start is not None:
            properties.update(line=start[0], col=start[1])
            if end is not None and end >= start:
                properties.update(endLine=end[0], endColumn=end[1])
    elif finding.line > 0:
        properties.update(line=finding.line, col=finding.column)
        if finding.end_line >= finding.line:
            properties.update(endLine=finding.end_line, endColumn=finding.end_column)
    properties["title"] = f"{finding.code} {finding.name}"
    if finding.hint:
        message = f"{message}\nhelp: {finding.hint}"
    for related in finding.related:
        message += f"\n{location(related.path, related.line, related.column, related.cell)}: {related.message}"
    return command(COMMANDS.get(finding.severity, "warning"), properties, message)


def render(result: Any, out: TextIO, rules: Mapping[str, Any]) -> None:
    """Write ``result`` (a LintResult: findings, errors) as workflow commands."""
    notebooks = NotebookPositions(getattr(result, "sources", None))
    for finding in sorted(result.findings, key=lambda f: f.sort_key()):
        out.write(finding_command(finding, notebooks) + "\n")
    for error in getattr(result, "errors", ()):
        out.write(command("error", {"file": error.path, "title": "kgraphlint"}, error.message) + "\n")
    for skip in skips_of(result):
        label = skip_label(skip)
        out.write(command("notice", {"file": skip.path, "title": f"kgraphlint: {label}"}, f"{label}: {skip_reason(skip)}") + "\n")
