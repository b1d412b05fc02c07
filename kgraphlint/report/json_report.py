"""JSON report: the contract of DESIGN.md (tools and tests parse it).

Version 2 added ``files_traced`` (null unless ``--trace``) and ``skipped``: the
files (or directories) not checked, or not traced, each with its reason.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from kgraphlint.report.summary import skips_of

if TYPE_CHECKING:
    from kgraphlint.lint import LintResult
    from kgraphlint.rules.base import Rule

from kgraphlint.report.names import printable_tree

JSON_VERSION = 2


def to_json_dict(result: "LintResult") -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "files_checked": result.files_checked,
        "files_traced": getattr(result, "files_traced", None),
        "findings": [f.to_dict() for f in result.findings],
        "errors": [e.to_dict() for e in result.errors],
        "skipped": [s.to_dict() for s in skips_of(result)],
    }


def render(result: "LintResult", out: TextIO, rules: "dict[str, Rule]", **_: Any) -> None:
    # ASCII-only output is valid JSON whatever the terminal or pipe encoding.
    # printable_tree: an undecodable file name becomes valid Unicode (\xNN).
    json.dump(printable_tree(to_json_dict(result)), out, indent=2)
    out.write("\n")
