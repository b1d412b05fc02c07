"""What a rule reports: findings, their related locations and fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

SEVERITIES = ("info", "warning", "error")
# The reason of the Skip for a directory argument in which nothing was found.
NOTHING_FOUND = "no Python files or notebooks found"


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def location(path: str, line: int, column: int, cell: Optional[int] = None) -> str:
    """``path:line:col``, or ``nb.ipynb:cell 3:2:8`` inside a notebook's code cell."""
    if cell is not None:
        return f"{path}:cell {cell}:{line}:{column}"
    return f"{path}:{line}:{column}"


@dataclass
class Related:
    path: str
    line: int
    column: int
    message: str
    # Inside a notebook: the code cell (1-based, as Jupyter counts code
    # cells); ``line`` and ``column`` are then relative to that cell.
    cell: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.cell is not None:
            out["cell"] = self.cell
        out.update(line=self.line, column=self.column, message=self.message)
        return out


@dataclass
class Edit:
    """Replace the text between two 1-based (line, column) positions."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    cell: Optional[int] = None  # notebook code cell the positions are relative to

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cell": self.cell} if self.cell is not None else {}
        return out | {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


@dataclass
class Fix:
    """Edits that together make one change.  A safe fix keeps what the program
    does (``--fix`` applies it); an unsafe one may change it, and is only shown."""

    description: str
    edits: list[Edit] = field(default_factory=list)
    # SHA-256 of the bytes the edits were computed from, set by the pipeline:
    # --fix writes only if the file still holds exactly those bytes.  Not part
    # of reports or the cache (a property of this run, not of the finding).
    source_sha256: str = field(default="", compare=False, repr=False)
    safe: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "edits": [e.to_dict() for e in self.edits], "safe": self.safe}


@dataclass
class Finding:
    code: str
    name: str
    severity: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    hint: str = ""
    engine: str = "static"  # "static" | "trace" | "both"
    related: list[Related] = field(default_factory=list)
    fix: Optional[Fix] = None
    # Inside a notebook: the code cell (1-based, counting code cells only, as
    # Jupyter shows them); ``line``/``end_line``/``column`` are relative to it.
    cell: Optional[int] = None

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "path": self.path,
        }
        if self.cell is not None:
            out["cell"] = self.cell
        return out | {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "hint": self.hint,
            "engine": self.engine,
            "related": [r.to_dict() for r in self.related],
            "fix": self.fix.to_dict() if self.fix else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        fix = data.get("fix")
        return cls(
            code=data["code"],
            name=data["name"],
            severity=data["severity"],
            path=data["path"],
            line=data["line"],
            column=data["column"],
            end_line=data["end_line"],
            end_column=data["end_column"],
            message=data["message"],
            hint=data.get("hint", ""),
            engine=data.get("engine", "static"),
            related=[Related(**r) for r in data.get("related", [])],
            fix=Fix(fix["description"], [Edit(**e) for e in fix["edits"]], safe=fix.get("safe", True)) if fix else None,
            cell=data.get("cell"),
        )


@dataclass
class FileError:
    """A file that could not be checked at all (unreadable, not a file...)."""

    path: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message}


@dataclass
class Skip:
    """Work that was not done on a file, and why: a report never calls it "passed".

    ``stage`` says what was skipped: ``"check"`` (the file was not analysed at
    all) or ``"trace"`` (analysed statically, but not, or not fully, traced).
    """

    path: str
    reason: str
    stage: str = "check"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "stage": self.stage, "reason": self.reason}
