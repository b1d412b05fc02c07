"""The static linter on the reference fixture (clean) and on each bug fixture.

Every fixtures/bugs/kgNNN_*.py marks the lines where a finding is expected with a
trailing ``# expect: KGnnn`` (several codes: ``# expect: KG101, KG102``).  For each bug
fixture the findings of its own rule must be exactly on those lines, and no other
finding may appear that is not marked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kgraphlint

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "fixtures" / "inception_v3_finetune.py"
BUG_FIXTURES = sorted((ROOT / "fixtures" / "bugs").glob("kg[0-9][0-9][0-9]_*.py"))
EXPECT_RE = re.compile(r"#\s*expect:\s*(KG\d{3}(?:\s*,\s*KG\d{3})*)\s*$")


def expectations(path: Path) -> set[tuple[str, int]]:
    marks: set[tuple[str, int]] = set()
    # Undecodable fixtures (KG900) have no marks to read.
    text = path.read_bytes().decode("utf-8", errors="replace")
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = EXPECT_RE.search(line)
        if m:
            for code in re.split(r"\s*,\s*", m.group(1)):
                marks.add((code, lineno))
    return marks


def found(path: Path) -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in kgraphlint.lint_paths([str(path)])}


def describe(pairs: set[tuple[str, int]]) -> str:
    return ", ".join(f"{code}@{line}" for code, line in sorted(pairs, key=lambda p: (p[1], p[0])))


def test_reference_fixture_has_no_finding() -> None:
    findings = kgraphlint.lint_paths([str(REFERENCE)])
    assert findings == [], "\n".join(f"{f.line}: {f.code} {f.message}" for f in findings)


def test_every_graph_rule_has_a_bug_fixture() -> None:
    codes = {p.name[:5].upper() for p in BUG_FIXTURES}
    for code in ("KG101", "KG102", "KG103", "KG104", "KG201", "KG202", "KG203", "KG204",
                 "KG301", "KG302", "KG304", "KG503"):
        assert code in codes, f"no fixtures/bugs/{code.lower()}_*.py"


@pytest.mark.parametrize("path", BUG_FIXTURES, ids=[p.name for p in BUG_FIXTURES])
def test_bug_fixture_findings_are_exactly_the_marked_lines(path: Path) -> None:
    code = path.name[:5].upper()
    expected = expectations(path)
    assert any(c == code for c, _ in expected), f"{path.name} marks no `# expect: {code}` line"
    actual = found(path)
    own_expected = {e for e in expected if e[0] == code}
    own_actual = {a for a in actual if a[0] == code}
    assert own_actual == own_expected, (
        f"{path.name}: {code} expected at {describe(own_expected)}, found at {describe(own_actual)}"
    )
    unexpected = actual - expected
    assert not unexpected, f"{path.name}: unmarked findings {describe(unexpected)}"
