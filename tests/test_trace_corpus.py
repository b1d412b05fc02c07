"""The tracer against the ground-truth corpus (opt-in: several minutes).

    KGRAPHLINT_TRACE_CORPUS=1 pytest tests/test_trace_corpus.py

One real ``kgraphlint --trace`` run over tests/corpus and fixtures/bugs: every
``# expect: KGnnn`` mark of a rule the tracer must detect (graph rules) is
reported by the trace engine (engine "trace" or "both"), no file gets a
finding that is not marked, and the clean programs get none at all.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TRACE_CODES = re.compile(r"KG(1\d\d|2\d\d|3\d\d|503|60[1-7])$")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("KGRAPHLINT_TRACE_CORPUS"), reason="set KGRAPHLINT_TRACE_CORPUS=1 (slow)"
    ),
]


def _marks(path: Path) -> set[tuple[int, str]]:
    marks = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for group in re.findall(r"expect: ((?:KG\d+[ ,]*)+)", line):
            marks.update((number, code) for code in re.findall(r"KG\d+", group))
    return marks


def test_trace_finds_every_graph_mark_and_nothing_else() -> None:
    dirs = ["tests/corpus/buggy", "tests/corpus/clean", "fixtures"]
    done = subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--trace", "--no-cache", "--exit-zero", "--format", "json", *dirs],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    report = json.loads(done.stdout)
    found: dict[str, list[dict]] = {}
    for f in report["findings"]:
        found.setdefault(f["path"], []).append(f)
    problems = []
    files = [p for d in dirs for p in sorted((REPO / d).rglob("*.py"))]
    for path in files:
        rel = path.relative_to(REPO).as_posix()
        marks = _marks(path)
        got = found.get(rel, [])
        traced = {(f["line"], f["code"]) for f in got if f["engine"] in ("trace", "both")}
        for mark in sorted(m for m in marks if TRACE_CODES.match(m[1]) and m not in traced):
            problems.append(f"{rel}:{mark[0]}: trace missed {mark[1]}")
        for f in got:
            if (f["line"], f["code"]) not in marks:
                problems.append(f"{rel}:{f['line']}: unmarked {f['code']} ({f['engine']}): {f['message']}")
    assert not problems, "\n".join(problems)
