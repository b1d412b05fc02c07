"""The static engine never lets an exception escape, whatever the program.

Programs come from hypothesmith (grammar-generated, syntactically valid Python)
and from a Keras-flavoured generator that strings together the calls the
engine cares about in random order, so both the parser edge cases and the
interpreter's graph logic get shaken.
"""

from __future__ import annotations

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraphlint.rules import all_rules
from kgraphlint.static.engine import analyze
from kgraphlint.static.source import make_context

hypothesmith = pytest.importorskip("hypothesmith")

FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def lint_text(source: str) -> None:
    try:
        module = cst.parse_module(source)
    except Exception:
        # Not libcst-parsable (hypothesmith can emit code only CPython accepts):
        # the pipeline turns that into KG900, which its own tests cover.
        return
    ctx = make_context("fuzz.py", source, module)
    facts = analyze(ctx)
    ctx.facts = facts
    for rule in all_rules().values():
        findings = rule.check_source(ctx) if rule.source_rule else rule.check(facts)
        for finding in findings:
            finding.to_dict()


@FUZZ_SETTINGS
@given(hypothesmith.from_grammar())
def test_grammar_generated_programs(source: str) -> None:
    lint_text("import keras\n" + source)


_NAMES = ["x", "y", "inp", "layer", "model", "outs"]
_EXPRS = [
    "keras.Input((4,))",
    "keras.layers.Dense(3)",
    "keras.layers.Dense(3)({a})",
    "keras.layers.concatenate([{a}, {b}])",
    "{a}({b})",
    "keras.Model({a}, {b})",
    "keras.Model([{a}, {b}], {a})",
    "keras.Sequential([{a}, {b}])",
    "tf.reduce_mean({a})",
    "keras.ops.add({a}, {b})",
    "{a} + {b}",
    "[{a}, {b}]",
    "({a}, {b})",
    "{{'k': {a}}}",
    "{a}[0]",
    "{a}.output",
    "{a}.layers[-1]",
    "keras.applications.MobileNetV2(include_top=False, weights=None)",
    "helper({a})",
]
_STMTS = [
    "{n} = {e}",
    "{n}, {m} = {e}",
    "if {n}:\n    {m} = {e}\nelse:\n    {m} = {e2}",
    "for {n} in {e}:\n    {m} = {e2}",
    "{n}.trainable = False",
    "{n}.compile('adam', 'mse')",
    "{n}.append({e})",
    "{e}",
    "def helper(v):\n    return {e}",
]


@st.composite
def keras_programs(draw) -> str:
    lines = ["import keras", "import tensorflow as tf", "def helper(v):\n    return v"]
    for _ in range(draw(st.integers(1, 14))):
        names = {key: draw(st.sampled_from(_NAMES)) for key in ("n", "m", "a", "b")}
        expr = draw(st.sampled_from(_EXPRS)).format(**names)
        expr2 = draw(st.sampled_from(_EXPRS)).format(**names)
        stmt = draw(st.sampled_from(_STMTS))
        lines.append(stmt.format(n=names["n"], m=names["m"], e=expr, e2=expr2))
    return "\n".join(lines) + "\n"


@FUZZ_SETTINGS
@given(keras_programs())
def test_keras_flavoured_programs(source: str) -> None:
    lint_text(source)
