"""The precision suite: kgraphlint over real code nobody here wrote (the installed keras
package with its tests, keras-hub, tf_keras), every finding justified in
tests/precision_allowlist.txt.

The run itself is opt-in (KGRAPHLINT_PRECISION=1): it lints about 2,500 files and
downloads keras-hub and tf_keras with ``pip download --no-deps`` into a cache outside
the repository.  The allowlist's format is checked always.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from kgraphlint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "precision_suite.py"


def _suite():
    spec = importlib.util.spec_from_file_location("precision_suite", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_allowlist_entries_name_a_rule_and_give_a_reason() -> None:
    suite = _suite()
    entries = suite.load_allowlist()
    codes = set(all_rules())
    for e in entries:
        assert e.code in codes, f"allowlist line {e.lineno}: unknown rule {e.code}"
        assert len(e.reason.split()) >= 3, f"allowlist line {e.lineno}: give a reason"
        assert e.pattern.split("/")[0] in ("keras", "keras_hub", "tf_keras", "*"), e.pattern


def test_allowlist_pattern_and_line_matching(tmp_path: Path) -> None:
    suite = _suite()
    listed = tmp_path / "allow.txt"
    listed.write_text(
        "# comment\n"
        "keras/src/models/*_test.py:12 KG104  test cuts the graph on purpose\n"
        "keras_hub/src/*.py KG401  keras-hub imports private keras.src modules\n"
    )
    first, second = suite.load_allowlist(listed)
    assert (first.pattern, first.line, first.code) == ("keras/src/models/*_test.py", 12, "KG104")
    assert first.covers("keras/src/models/functional_test.py", 12, "KG104")
    assert not first.covers("keras/src/models/functional_test.py", 13, "KG104")
    assert second.line is None and second.covers("keras_hub/src/a/b.py", 7, "KG401")


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("KGRAPHLINT_PRECISION") != "1",
    reason="opt-in: KGRAPHLINT_PRECISION=1 lints keras, keras-hub and tf_keras (downloads the last two)",
)
def test_no_unjustified_finding_on_real_code() -> None:
    suite = _suite()
    rows, stale, _ = suite.run(suite.cache_dir(None))
    unjustified = [f"{r.path}:{r.line} {r.code} {r.message}" for r in rows if r.entry is None]
    assert not unjustified, "\n".join(unjustified)
    assert not stale, [f"line {e.lineno}: {e.pattern} {e.code}" for e in stale]
