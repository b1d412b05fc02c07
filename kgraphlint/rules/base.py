"""The Rule base class: documentation, samples and the check live together.

A rule module holds one subclass of :class:`Rule`.  Its docstring is its
documentation (four Ruff-style sections, printed by ``--explain``), ``VALID``
and ``INVALID`` are source samples that the test-suite runs through the real
engine, and :meth:`Rule.check` reads facts (never the syntax tree).

In an ``INVALID`` sample, each line where a finding of this rule is expected
ends with the comment ``# expect``.  A fixable rule's sample may be an
:class:`Invalid`, which also carries the text its autofixes must produce.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, ClassVar, Iterable, Optional, Sequence

from kgraphlint.findings import Finding, Fix, Related
from kgraphlint.graph import Facts, Site

if TYPE_CHECKING:
    from kgraphlint.static.source import SourceContext

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]  # "error" | "warning"
    engines: ClassVar[str]  # "S", "T" or "ST"
    summary: ClassVar[str]  # one line, for tables and SARIF
    VALID: ClassVar[Sequence[str]] = ()
    INVALID: ClassVar[Sequence[str]] = ()
    # Whether the rule reads facts (graph rules) or the libcst module.
    source_rule: ClassVar[bool] = False
    # Exceptions the tracer saw raised that this rule explains (see
    # rules/raised.py): Keras's messages for it, matched against the text;
    # or, with ``raised_stage = "fit"``, every error of fit()'s first step.
    # ``raised_wording`` is (what it means, how to fix it) in our words;
    # ``raised_at_layer`` reports at the layer Keras was calling when known.
    raised_patterns: ClassVar[Sequence["re.Pattern[str]"]] = ()
    raised_stage: ClassVar[str] = "build"
    raised_wording: ClassVar[Optional[tuple[str, str]]] = None
    raised_at_layer: ClassVar[bool] = False

    def check(self, facts: Facts) -> Iterable[Finding]:
        """Graph rules: findings from one file's facts."""
        return ()

    def check_source(self, ctx: "SourceContext") -> Iterable[Finding]:
        """Source rules: findings from the libcst module."""
        return ()

    # ------------------------------------------------------------------
    def finding(
        self,
        site: Site,
        message: str,
        hint: str = "",
        *,
        engine: str = "static",
        related: Iterable[tuple[Optional[Site], str]] = (),
        fix: Optional[Fix] = None,
    ) -> Finding:
        rel = [
            Related(s.path, s.line, s.column, msg)
            for s, msg in related
            if s is not None and s.line > 0
        ]
        if site.via is not None and site.via.line > 0:
            # Unless the rule already points at that call, in its own words.
            if not any((r.path, r.line, r.column) == site.via.key() for r in rel):
                rel.append(reached_from(site.via))
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            path=site.path,
            line=site.line,
            column=site.column,
            end_line=site.end_line,
            end_column=site.end_column,
            message=message,
            hint=hint,
            engine=engine,
            related=rel,
            fix=fix,
        )

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split on its ``## Section`` headings."""
        sections: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in cls.documentation().splitlines():
            m = re.match(r"^##\s+(.*?)\s*$", line)
            if m:
                if current is not None:
                    sections[current] = "\n".join(lines).strip()
                current, lines = m.group(1), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            sections[current] = "\n".join(lines).strip()
        return sections


def reached_from(call: Site) -> Related:
    """The related location of a finding in another module's helper: the
    line of the checked file whose call reached it."""
    return Related(call.path, call.line, call.column, CALLED_FROM)


CALLED_FROM = "reached from this call"


class Invalid(str):
    """An INVALID sample (it is the source text) with the text that applying
    every fix of the rule's findings must give (``None``: not checked), as in
    Fixit.  The sample test applies the fixes and compares."""

    fixed: Optional[str]

    def __new__(cls, source: str, fixed: Optional[str] = None) -> "Invalid":
        sample = super().__new__(cls, source)
        sample.fixed = fixed
        return sample


def expected_lines(sample: str) -> list[int]:
    """1-based lines of an INVALID sample that end with ``# expect``."""
    return [
        i
        for i, line in enumerate(sample.splitlines(), start=1)
        if re.search(r"#\s*expect\s*$", line)
    ]
