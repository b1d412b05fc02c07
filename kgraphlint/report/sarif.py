"""SARIF 2.1.0 output (``--format sarif``), for GitHub code scanning and other viewers.

One run whose driver lists the rules (documentation included), one result per
finding with its location, related locations and autofix, and as tool
execution notifications (with the file's location) both the files that could
not be checked (level ``error``) and the work that was skipped: a file not
checked (``warning``) or not traced (``note``), each with its reason.

Notebooks: a finding's physical location is the ``.ipynb`` file with the
region where that code sits in the file's JSON (code-scanning viewers show
file lines); the cell and the cell-relative position lead the message text
and are repeated in ``properties`` (``cell``, ``cellLine``, ``cellColumn``) and
as a logical location ``nb.ipynb:cell 3``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Optional, TextIO
from urllib.parse import quote

from kgraphlint import __version__
from kgraphlint.findings import Edit, FileError, Finding, Skip, location
from kgraphlint.report.summary import skip_line, skips_of
from kgraphlint.report.names import printable_tree

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/kgraphlint/"
SRCROOT = "%SRCROOT%"

# SARIF has no "info": its level for informational results is "note".
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# A file not analysed at all deserves more attention than one not traced.
SKIP_LEVELS = {"check": "warning", "trace": "note"}


def render(result: Any, out: TextIO, rules: Mapping[str, Any]) -> None:
    """Write ``result`` (a LintResult: findings, errors, files_checked) as SARIF."""
    # printable_tree: an undecodable file name in a message becomes valid Unicode.
    json.dump(printable_tree(sarif_log(result, rules)), out, indent=2, ensure_ascii=False)
    out.write("\n")


def sarif_log(result: Any, rules: Mapping[str, Any], root: Optional[Path] = None) -> dict[str, Any]:
    """The SARIF log as a dict; paths are made relative to ``root`` (default: cwd)."""
    root = (root or Path.cwd()).resolve()
    findings: list[Finding] = sorted(result.findings, key=lambda f: f.sort_key())
    errors: list[FileError] = list(getattr(result, "errors", ()))

    notebooks = NotebookPositions(getattr(result, "sources", None))
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for code, rule in sorted(rules.items()):
        index[code] = len(descriptors)
        descriptors.append(_rule_descriptor(rule))
    for finding in findings:
        # A finding of a rule the caller did not pass still needs a descriptor
        # for its ruleIndex.
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(
                {
                    "id": finding.code,
                    "name": finding.name,
                    "shortDescription": {"text": finding.name},
                    "fullDescription": {"text": finding.name},
                    "help": {"text": finding.name, "markdown": f"**{finding.code} {finding.name}**"},
                    "defaultConfiguration": {"level": LEVELS.get(finding.severity, "warning")},
                }
            )

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kgraphlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",  # libcst columns count characters
        "results": [_result(f, index[f.code], root, notebooks) for f in findings],
        "invocations": [
            {
                # Unreadable or skipped files do not stop the run: it still
                # completed, unless kgraphlint itself failed (exit status 2).
                "executionSuccessful": not getattr(result, "internal_errors", 0),
                "toolExecutionNotifications": [_notification(e, root) for e in errors]
                + [_skip_notification(s, root) for s in skips_of(result)],
            }
        ],
    }
    files_checked = getattr(result, "files_checked", None)
    if files_checked is not None:
        run["properties"] = {"filesChecked": files_checked}
        files_traced = getattr(result, "files_traced", None)
        if files_traced is not None:
            run["properties"]["filesTraced"] = files_traced
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _rule_descriptor(rule: Any) -> dict[str, Any]:
    sections = rule.doc_sections()
    documentation = rule.documentation()
    what = sections.get("What it does") or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {
            "text": _plain(documentation) or rule.summary,
            "markdown": f"**{rule.code} {rule.name}**\n\n{documentation or rule.summary}",
        },
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": ["keras", "functional-api"], "engines": rule.engines},
    }


def _plain(markdown: str) -> str:
    # The docstrings are light markdown: headings become plain lines.
    return "\n".join(line.lstrip("#").strip() if line.startswith("#") else line for line in markdown.splitlines())


def _result(finding: Finding, rule_index: int, root: Path, notebooks: "NotebookPositions") -> dict[str, Any]:
    text = finding.message
    if finding.hint:
        text = f"{text} Hint: {finding.hint}"
    properties: dict[str, Any] = {"engine": finding.engine}
    if finding.cell is None:
        physical = _physical(finding.path, finding.line, finding.column, finding.end_line, finding.end_column, root)
    else:
        # Notebooks: the region is where the code sits in the .ipynb file
        # itself (the line of its JSON string), which every viewer can show;
        # the cell and the cell-relative position are in the message text
        # (which every viewer shows), in properties and as a logical location.
        text = f"{location('', finding.line, finding.column, finding.cell)[1:]}: {text}"
        properties.update(
            cell=finding.cell, cellLine=finding.line, cellColumn=finding.column,
            cellEndLine=finding.end_line, cellEndColumn=finding.end_column,
        )
        physical = _notebook_physical(
            finding.path, finding.cell, finding.line, finding.column, finding.end_line, finding.end_column, root, notebooks
        )
    primary: dict[str, Any] = {"physicalLocation": physical}
    if finding.cell is not None:
        primary["logicalLocations"] = [_cell_logical(finding.path, finding.cell)]
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [primary],
        "properties": properties,
    }
    if finding.related:
        related_locations = []
        for i, r in enumerate(finding.related):
            if r.cell is None:
                entry = {
                    "id": i,
                    "physicalLocation": _physical(r.path, r.line, r.column, None, None, root),
                    "message": {"text": r.message},
                }
            else:
                entry = {
                    "id": i,
                    "physicalLocation": _notebook_physical(r.path, r.cell, r.line, r.column, None, None, root, notebooks),
                    "logicalLocations": [_cell_logical(r.path, r.cell)],
                    "message": {"text": f"{location('', r.line, r.column, r.cell)[1:]}: {r.message}"},
                    "properties": {"cell": r.cell, "cellLine": r.line, "cellColumn": r.column},
                }
            related_locations.append(entry)
        out["relatedLocations"] = related_locations
    if finding.fix is not None and finding.fix.edits:
        replacements = [
            _replacement(e) if e.cell is None else _notebook_replacement(finding.path, e, notebooks)
            for e in finding.fix.edits
        ]
        if all(r is not None for r in replacements):
            out["fixes"] = [
                {
                    "description": {"text": finding.fix.description},
                    "artifactChanges": [
                        {"artifactLocation": _artifact(finding.path, root), "replacements": replacements}
                    ],
                }
            ]
    return out


class NotebookPositions:
    """Cell positions -> positions in the notebook files' JSON text, each file's
    JSON scanned once; the bytes are the run's (``sources``: its SourceStore)."""

    def __init__(self, sources: Any = None) -> None:
        from kgraphlint.sources import SourceStore

        self._sources = sources if sources is not None else SourceStore()
        self._files: dict[str, Any] = {}

    def position(self, path: str, cell: int, line: int, column: int) -> Optional[tuple[int, int]]:
        from kgraphlint.notebook import FilePositions, NotebookError

        if path not in self._files:
            try:
                self._files[path] = FilePositions(self._sources.load(path).data)
            except (OSError, NotebookError):
                self._files[path] = None
        positions = self._files[path]
        return positions.position(cell, line, column) if positions is not None else None


def _cell_logical(path: str, cell: int) -> dict[str, Any]:
    return {"name": f"cell {cell}", "fullyQualifiedName": f"{path}:cell {cell}", "kind": "module"}


def _notebook_physical(
    path: str, cell: int, line: int, column: int, end_line: Optional[int], end_column: Optional[int],
    root: Path, notebooks: NotebookPositions,
) -> dict[str, Any]:
    location_: dict[str, Any] = {"artifactLocation": _artifact(path, root)}
    start = notebooks.position(path, cell, line, column)
    if start is None:
        return location_  # the file changed since: the artifact alone
    region = {"startLine": start[0], "startColumn": start[1]}
    end = notebooks.position(path, cell, end_line, end_column) if end_line is not None and end_column else None
    if end is not None and (end[0], end[1]) >= (start[0], start[1]):
        region.update(endLine=end[0], endColumn=end[1])
    location_["region"] = region
    return location_


def _notebook_replacement(path: str, edit: Edit, notebooks: NotebookPositions) -> Optional[dict[str, Any]]:
    """The edit in the .ipynb's own coordinates: the inserted code JSON-escaped,
    so applying the SARIF fix to the file keeps it a valid notebook."""
    assert edit.cell is not None
    start = notebooks.position(path, edit.cell, edit.line, edit.column)
    end = notebooks.position(path, edit.cell, edit.end_line, edit.end_column)
    if start is None or end is None:
        return None
    return {
        "deletedRegion": {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]},
        "insertedContent": {"text": json.dumps(edit.content, ensure_ascii=False)[1:-1]},
    }


def _replacement(edit: Edit) -> dict[str, Any]:
    return {
        "deletedRegion": {
            "startLine": edit.line,
            "startColumn": edit.column,
            "endLine": edit.end_line,
            "endColumn": edit.end_column,
        },
        "insertedContent": {"text": edit.content},
    }


def _physical(
    path: str, line: int, column: int, end_line: Optional[int], end_column: Optional[int], root: Path
) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": _artifact(path, root)}
    if line > 0:  # a file-level finding (e.g. undecodable bytes) has no region
        region = {"startLine": line, "startColumn": max(column, 1)}
        if end_line is not None and end_line >= line:
            region["endLine"] = end_line
            if end_column is not None and (end_line > line or end_column >= region["startColumn"]):
                region["endColumn"] = max(end_column, 1)
        location["region"] = region
    return location


def _artifact(path: str, root: Path) -> dict[str, Any]:
    """A relative, forward-slash URI under %SRCROOT% (absolute file URI if outside it)."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    # Quote the name's bytes: a name that is not UTF-8 is still exact (%FF).
    return {"uri": quote(os.fsencode(relative.as_posix())), "uriBaseId": SRCROOT}


def _notification(error: FileError, root: Path) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{error.path}: {error.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.path, root)}}],
    }


def _skip_notification(skip: Skip, root: Path) -> dict[str, Any]:
    return {
        "level": SKIP_LEVELS.get(skip.stage, "note"),
        "message": {"text": skip_line(skip)},
        "descriptor": {"id": f"skipped-{skip.stage}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(skip.path, root)}}],
        "properties": {"stage": skip.stage, "reason": skip.reason},
    }
