"""The pytest plugin, run the way users run it: pytest in a subprocess on another suite.

These tests build real Keras models with real TensorFlow.  The ones marked
``needs_check_model`` need the tracer's ``kgraphlint.trace.model_facts``, the
ones marked ``needs_lint`` the static pipeline ``kgraphlint.lint``.
"""

from __future__ import annotations

import importlib.util

import pytest

# Builds real models with TensorFlow or runs external tools: deselect with -m "not slow".
pytestmark = pytest.mark.slow

pytest_plugins = ["pytester"]

needs_check_model = pytest.mark.skipif(
    importlib.util.find_spec("kgraphlint.trace.model_facts") is None,
    reason="kgraphlint.trace.model_facts (tracer teammate) not there yet",
)
needs_lint = pytest.mark.skipif(
    importlib.util.find_spec("kgraphlint.lint") is None
    or importlib.util.find_spec("kgraphlint.static.engine") is None,
    reason="kgraphlint.lint or the static engine (teammates) not there yet",
)

UNUSED_SECOND_INPUT = """
import keras

def test_model(kgraph):
    image = keras.Input((8,), name="image")
    meta = keras.Input((3,), name="meta")
    x = keras.layers.Dense(4)(image)
    out = keras.layers.Dense(1)(x)
    model = keras.Model([image, meta], out)
    kgraph.assert_clean(model)
"""

SIAMESE = """
import keras

def build():
    left = keras.Input((8,), name="left")
    right = keras.Input((8,), name="right")
    tower = keras.layers.Dense(4, name="tower")
    merged = keras.layers.Concatenate()([tower(left), tower(right)])
    out = keras.layers.Dense(1)(merged)
    return keras.Model([left, right], out)

def test_model(kgraph):
    model = build()
    assert kgraph.check(model) == []
    kgraph.assert_clean(model)
"""

BROKEN_FILE = """\
import keras

a = keras.Input((4,))
b = keras.Input((4,))
out = keras.layers.Dense(1)(b)
model = keras.Model(a, out)
"""

CLEAN_FILE = """\
import keras

a = keras.Input((4,))
out = keras.layers.Dense(1)(a)
model = keras.Model(a, out)
"""

# Keras 3 builds this without complaint, cutting off everything above `x`.
NON_INPUT_MODEL_INPUT = """
import keras

def test_builds_a_model():
    inp = keras.Input((4,))
    x = keras.layers.Dense(4)(inp)
    out = keras.layers.Dense(1)(x)
    keras.Model(x, out)
"""


@needs_check_model
def test_assert_clean_fails_on_unused_input(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unused=UNUSED_SECOND_INPUT)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*KG102*"])
    result.stdout.fnmatch_lines(["*meta*"])


@needs_check_model
def test_assert_clean_fail_on_error_lets_warnings_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unused=UNUSED_SECOND_INPUT.replace("assert_clean(model)", 'assert_clean(model, fail_on="error")'))
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


@needs_check_model
def test_fail_on_ini_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unused=UNUSED_SECOND_INPUT)
    pytester.makeini("[pytest]\nkgraphlint_fail_on = error\n")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


@needs_check_model
def test_fail_on_from_pyproject(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unused=UNUSED_SECOND_INPUT)
    pytester.makepyprojecttoml('[tool.kgraphlint]\nfail-on = "error"\n')
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


@needs_check_model
def test_assert_clean_passes_on_siamese(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_siamese=SIAMESE)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


@needs_lint
def test_flag_lints_broken_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(broken=BROKEN_FILE)
    result = pytester.runpytest_subprocess("--kgraphlint")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*broken.py:6:*KG101*"])


@needs_lint
def test_flag_passes_clean_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(clean=CLEAN_FILE)
    result = pytester.runpytest_subprocess("--kgraphlint", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*clean.py::kgraphlint PASSED*"])


@needs_lint
def test_flag_skips_a_file_it_could_not_check(pytester: pytest.Pytester) -> None:
    # Valid Python that libcst cannot parse: the lint item is skipped with the
    # reason, never reported as passed.
    strings = "".join('    "abc"\n' for _ in range(6000))
    pytester.makepyfile(strings="import keras\n\nTEXT = (\n" + strings + ")\n")
    result = pytester.runpytest_subprocess("--kgraphlint", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*kgraphlint did not check this file: valid Python*"])


@needs_lint
def test_lint_items_are_marked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(broken=BROKEN_FILE, test_plain="def test_ok():\n    pass\n")
    result = pytester.runpytest_subprocess("--kgraphlint", "-m", "not kgraphlint")
    result.assert_outcomes(passed=1, deselected=2)


UNUSED_INPUT_BUILT_IN_TEST = """
import keras

def test_builds_a_model():
    image = keras.Input((8,), name="image")
    meta = keras.Input((3,), name="meta")
    keras.Model([image, meta], keras.layers.Dense(1)(image))
"""


@needs_check_model
def test_flag_reports_warnings_of_models_built_in_tests(pytester: pytest.Pytester) -> None:
    """Models built during a test are checked; below error level they are warnings."""
    pytester.makepyfile(test_build=UNUSED_INPUT_BUILT_IN_TEST)
    plain = pytester.runpytest_subprocess()
    plain.assert_outcomes(passed=1)
    plain.stdout.no_fnmatch_line("*KG102*")
    flagged = pytester.runpytest_subprocess("--kgraphlint", "-m", "not kgraphlint")
    flagged.assert_outcomes(passed=1, deselected=1, warnings=1)
    flagged.stdout.fnmatch_lines(["*KgraphlintWarning*", "*KG102*"])


@needs_check_model
@pytest.mark.xfail(
    reason="check_model does not yet report KG104 on a built model: Keras replaces the "
    "intermediate input by a new Input named `<tensor name>CLONE` (clone_graph_nodes)",
    strict=False,
)
def test_flag_checks_models_built_in_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_build=NON_INPUT_MODEL_INPUT)
    plain = pytester.runpytest_subprocess()
    plain.assert_outcomes(passed=1)  # without the flag nothing is checked
    flagged = pytester.runpytest_subprocess("--kgraphlint", "-m", "not kgraphlint")
    flagged.assert_outcomes(failed=1, deselected=1)
    flagged.stdout.fnmatch_lines(["*KG104*"])


def test_model_hook_keeps_keras_working(pytester: pytest.Pytester) -> None:
    """The Functional.__init__ wrapper keeps its signature: cloning and
    from_config (which inspect it) still work, and Keras-internal models
    (Sequential, keras.applications) are not treated as user models."""
    pytester.makepyfile(
        test_clone="""
        import keras

        def test_clone_and_config():
            inp = keras.Input((4,))
            model = keras.Model(inp, keras.layers.Dense(2)(inp))
            clone = keras.models.clone_model(model)
            again = keras.Model.from_config(model.get_config())
            assert type(clone).__name__ == type(again).__name__ == "Functional"
            seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            assert seq(keras.ops.ones((1, 3))).shape == (1, 2)
        """
    )
    result = pytester.runpytest_subprocess("--kgraphlint", "-m", "not kgraphlint", "-W", "ignore::pytest.PytestWarning")
    result.assert_outcomes(passed=1, deselected=1)


def test_plugin_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    """The plugin loads in every pytest run: it must not import keras or libcst."""
    pytester.makepyfile(
        test_light="""
        import sys

        def test_light(kgraph):
            heavy = sorted(m for m in ("keras", "tensorflow", "libcst") if m in sys.modules)
            assert heavy == []
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
