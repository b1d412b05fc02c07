"""Inline suppressions: ``# noqa``, ``# noqa: KG301``, ``# kgraphlint: ignore[KG301]``.

A suppression comment applies to the finding's first line and to the last line
of its span (so a comment after the closing parenthesis of a multi-line
``Model(...)`` call works).  Comments are found with :mod:`tokenize`, so a
``"# noqa"`` inside a string does not count; this only runs for files that
have findings, once per file and run.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable, Optional

from kgraphlint.findings import Finding
from kgraphlint.rules import code_matches

_CODE_LIST = r"[A-Za-z]+[0-9]+(?:\s*,?\s*[A-Za-z]+[0-9]+)*"
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>" + _CODE_LIST + r"))?", re.IGNORECASE)
_KG_IGNORE = re.compile(
    r"#\s*kgraphlint:\s*ignore(?:\[\s*(?P<codes>" + _CODE_LIST + r")\s*\])?", re.IGNORECASE
)

# Per line: None means "every code"; otherwise the listed codes.
Suppressions = dict[int, Optional[frozenset[str]]]


def comment_suppressions(text: str) -> Suppressions:
    """Line -> suppressed codes, from the comments of ``text``."""
    result: Suppressions = {}
    for line, comment in _comments(text):
        for pattern in (_NOQA, _KG_IGNORE):
            for m in pattern.finditer(comment):
                codes = m.group("codes")
                if codes is None:
                    result[line] = None
                elif line not in result or result[line] is not None:
                    parsed = frozenset(c.upper() for c in re.split(r"[\s,]+", codes) if c)
                    result[line] = (result.get(line) or frozenset()) | parsed
    return result


def is_suppressed(finding: Finding, suppressions: Suppressions) -> bool:
    for line in {finding.line, finding.end_line}:
        if line in suppressions:
            codes = suppressions[line]
            if codes is None or code_matches(finding.code, tuple(codes)):
                return True
    return False


def apply_suppressions(findings: Iterable[Finding], text: str) -> list[Finding]:
    """The findings no suppression comment in ``text`` silences."""
    findings = list(findings)
    if not findings or "#" not in text:
        return findings
    return filter_suppressed(findings, comment_suppressions(text))


def filter_suppressed(findings: Iterable[Finding], suppressions: Suppressions) -> list[Finding]:
    """The findings ``suppressions`` (a file's, computed once: see
    :meth:`kgraphlint.sources.Source.suppressions`) do not silence."""
    if not suppressions:
        return list(findings)
    return [f for f in findings if not is_suppressed(f, suppressions)]


def _comments(text: str) -> Iterable[tuple[int, str]]:
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # tokenize is stricter than libcst in a few corners: fall back to a
        # plain scan of the lines (a "#" inside a string may then count).
        for number, line in enumerate(text.splitlines(), start=1):
            index = line.find("#")
            if index >= 0:
                yield number, line[index:]
