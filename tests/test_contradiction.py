"""With --trace the real graph wins: a static graph finding that a complete trace of the
same model contradicts is withdrawn (kgraphlint/contradiction.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kgraphlint.contradiction import TraceCoverage, subject_key, withdraw_contradicted
from kgraphlint.findings import Finding


def finding(code: str, line: int, engine: str = "static", path: str = "m.py") -> Finding:
    return Finding(code, "rule", "warning", path, line, 5, line, 9, "message", engine=engine)


def run(static, trace, models=(10,), coverage=None):
    subjects = {subject_key(f): tuple(models) for f in static}
    cov = coverage if coverage is not None else {"m.py": TraceCoverage({10}, True, frozenset({"KG301", "KG102"}))}
    return [(f.code, f.line) for f in withdraw_contradicted(static, trace, subjects, cov)]


def test_a_finding_the_complete_trace_of_its_model_does_not_repeat_is_withdrawn() -> None:
    assert run([finding("KG301", 8)], []) == []


def test_a_finding_the_trace_repeats_stays() -> None:
    assert run([finding("KG301", 8)], [finding("KG301", 8, engine="trace")]) == [("KG301", 8)]


def test_no_withdrawal_without_a_complete_trace_of_every_model_it_is_about() -> None:
    partial = {"m.py": TraceCoverage({10}, False, frozenset({"KG301"}))}
    assert run([finding("KG301", 8)], [], coverage=partial) == [("KG301", 8)]
    assert run([finding("KG301", 8)], [], models=(10, 20)) == [("KG301", 8)]
    assert run([finding("KG301", 8)], [], models=()) == [("KG301", 8)]
    assert run([finding("KG301", 8)], [], coverage={}) == [("KG301", 8)]


def test_rules_the_trace_did_not_run_or_cannot_see_are_kept() -> None:
    assert run([finding("KG304", 8)], []) == [("KG304", 8)]  # not among the rules traced
    cov = {"m.py": TraceCoverage({10}, True, frozenset({"KG203"}))}
    assert run([finding("KG203", 8)], [], coverage=cov) == [("KG203", 8)]  # used is unknown in a trace


@pytest.mark.slow
def test_trace_of_a_loop_that_runs_once_withdraws_the_static_chain(tmp_path: Path, monkeypatch) -> None:
    """The static engine cannot know the trip count (DEPTH from the environment) and
    runs the loop twice; the real model applies the layer once."""
    pytest.importorskip("tensorflow")
    import kgraphlint
    from kgraphlint.config import Config

    monkeypatch.delenv("DEPTH", raising=False)
    path = tmp_path / "depth_from_env.py"
    path.write_text(textwrap.dedent(
        """\
        import os
        import keras
        from keras import layers

        DEPTH = int(os.environ.get("DEPTH", "1"))


        def build_model():
            inputs = keras.Input(shape=(8,))
            refine = layers.Dense(8, activation="relu")
            x = inputs
            for _ in range(DEPTH):
                x = refine(x)
            return keras.Model(inputs, layers.Dense(1)(x))
        """
    ))
    static = kgraphlint.lint_paths([str(path)], config=Config())
    assert [(f.code, f.line) for f in static] == [("KG301", 13)]
    traced = kgraphlint.lint_paths([str(path)], trace=True, config=Config())
    assert traced == []
