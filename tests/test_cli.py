"""The real command line, run in a subprocess: exit codes, formats, options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import needs_engine, write

HEADER = "import keras\n\n"
JSON_KEYS = ["version", "files_checked", "files_traced", "findings", "errors", "skipped"]
FINDING_KEYS = [
    "code", "name", "severity", "path", "line", "column", "end_line", "end_column",
    "message", "hint", "engine", "related", "fix",
]


def test_clean_file_passes(cli, tmp_path):
    write(tmp_path, "model.py", HEADER + "x = keras.Input((4,))\n")
    res = cli("model.py", cwd=tmp_path)
    assert res.returncode == 0, res.output
    assert "All checks passed: 1 file." in res.stdout
    assert res.stderr == ""


def test_default_path_is_current_directory(cli, tmp_path):
    write(tmp_path, "a.py", HEADER + "WARN_HERE = 1\n")
    write(tmp_path, "pkg/b.py", HEADER + "WARN_HERE = 2\n")
    res = cli("--format", "json", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    data = res.json()
    assert data["files_checked"] == 2
    assert [f["path"] for f in data["findings"]] == ["a.py", "pkg/b.py"]


def test_exit_codes_follow_fail_on(cli, tmp_path):
    write(tmp_path, "w.py", HEADER + "WARN_HERE = 1\n")
    write(tmp_path, "e.py", HEADER + "ERROR_HERE = 1\n")
    assert cli("w.py", cwd=tmp_path, test_rules=True).returncode == 1  # default: warning
    assert cli("--fail-on", "error", "w.py", cwd=tmp_path, test_rules=True).returncode == 0
    assert cli("--fail-on", "error", "e.py", cwd=tmp_path, test_rules=True).returncode == 1
    assert cli("--fail-on", "info", "w.py", cwd=tmp_path, test_rules=True).returncode == 1
    res = cli("--exit-zero", "e.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 0
    assert "KG992" in res.stdout


def test_text_format(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "a = 1\nb = WARN_HERE\n")
    res = cli("--format", "text", "m.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert lines[0] == "m.py:4:5: KG991 [warning] `WARN_HERE` found."
    assert lines[1] == "    help: remove the marker"
    assert lines[2] == "    note: m.py:1:1: the file starts here"
    assert lines[-1] == "Found 1 finding (1 warning) in 1 file."


def test_text_is_the_default_when_not_a_terminal(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "b = WARN_HERE\n")
    res = cli("m.py", cwd=tmp_path, test_rules=True)
    assert res.stdout.startswith("m.py:3:5: KG991 [warning]")


def test_json_format_is_the_contract(cli, tmp_path):
    write(tmp_path, "sub/m.py", HEADER + "b = WARN_HERE\nc = ERROR_HERE\n")
    write(tmp_path, "clean.py", "x = 1\n")
    res = cli("--format", "json", "sub", "clean.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    data = res.json()
    assert list(data) == JSON_KEYS
    assert data["version"] == 2
    assert data["files_checked"] == 2
    assert data["files_traced"] is None
    assert data["errors"] == [] and data["skipped"] == []
    first, second = data["findings"]
    assert list(first) == FINDING_KEYS
    assert first == {
        "code": "KG991", "name": "test-warning", "severity": "warning",
        "path": "sub/m.py", "line": 3, "column": 5, "end_line": 3, "end_column": 14,
        "message": "`WARN_HERE` found.", "hint": "remove the marker", "engine": "static",
        "related": [{"path": "sub/m.py", "line": 1, "column": 1, "message": "the file starts here"}],
        "fix": None,
    }
    assert (second["code"], second["severity"], second["line"]) == ("KG992", "error", 4)


def test_json_paths_stay_as_given(cli, tmp_path):
    write(tmp_path, "proj/m.py", HEADER + "b = WARN_HERE\n")
    rel = cli("--format", "json", "proj/m.py", cwd=tmp_path, test_rules=True).json()
    assert rel["findings"][0]["path"] == "proj/m.py"
    absolute = str(tmp_path / "proj" / "m.py")
    abs_res = cli("--format", "json", absolute, cwd=tmp_path, test_rules=True).json()
    assert abs_res["findings"][0]["path"] == absolute


def test_rich_format(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "value = WARN_HERE + 1\n")
    res = cli("--format", "rich", "m.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    out = res.stdout
    assert "warning[KG991] test-warning: `WARN_HERE` found." in out
    assert "--> m.py:3:9" in out
    assert "3 | value = WARN_HERE + 1" in out
    assert "  |         ^^^^^^^^^" in out
    assert "::: m.py:1:1" in out
    assert "the file starts here" in out
    assert "help: remove the marker" in out
    assert "KG991" in out.split("help:")[-1]  # the summary table by rule
    assert "Found 1 finding (1 warning) in 1 file." in out
    assert "\x1b[" not in out  # NO_COLOR / not a terminal: plain text


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_other_formats_run(cli, tmp_path, fmt):
    write(tmp_path, "m.py", HEADER + "b = ERROR_HERE\n")
    res = cli("--format", fmt, "m.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1, res.stderr
    assert "KG992" in res.stdout
    if fmt == "sarif":
        assert json.loads(res.stdout)["version"] == "2.1.0"


def test_select_and_ignore_with_prefixes(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "a = WARN_HERE\nb = ERROR_HERE\n")

    def codes(*args: str) -> list[str]:
        res = cli("--format", "json", *args, "m.py", cwd=tmp_path, test_rules=True)
        return [f["code"] for f in res.json()["findings"]]

    assert codes() == ["KG991", "KG992"]
    assert codes("--select", "KG992") == ["KG992"]
    assert codes("--select", "KG99") == ["KG991", "KG992"]
    assert codes("--select", "kg991,KG992") == ["KG991", "KG992"]
    assert codes("--ignore", "KG991") == ["KG992"]
    assert codes("--ignore", "KG9") == []
    assert codes("--select", "KG9", "--ignore", "KG992") == ["KG991"]
    assert codes("--select", "ALL") == ["KG991", "KG992"]


def test_bad_selector_is_a_usage_error(cli, tmp_path):
    write(tmp_path, "m.py", "x = 1\n")
    res = cli("--select", "KG10l", "m.py", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.splitlines()) == 1
    assert "KG10L" in res.stderr and "Traceback" not in res.stderr


def test_noqa_and_kgraphlint_ignore(cli, tmp_path):
    write(
        tmp_path,
        "m.py",
        HEADER
        + "a = WARN_HERE  # noqa\n"  # 3: bare noqa
        + "b = WARN_HERE  # noqa: KG991\n"  # 4
        + "c = WARN_HERE  # noqa: KG992\n"  # 5: another code: still reported
        + "d = WARN_HERE  # noqa:KG100,KG991\n"  # 6
        + "e = WARN_HERE  # kgraphlint: ignore[KG991]\n"  # 7
        + "f = WARN_HERE  # kgraphlint: ignore\n"  # 8
        + "g = WARN_HERE  # kgraphlint: ignore[KG1]\n"  # 9: prefix of another group
        + "h = [WARN_HERE, '# noqa']\n"  # 10: not a comment
        + "i = WARN_HERE  # NOQA: kg99\n",  # 11: prefix, any case
    )
    res = cli("--format", "json", "m.py", cwd=tmp_path, test_rules=True)
    assert [f["line"] for f in res.json()["findings"]] == [5, 9, 10]


def test_noqa_on_the_last_line_of_a_multiline_span(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "x = (\n    ERROR_HERE\n)  # noqa: KG992\ny = ERROR_HERE\n")
    res = cli("--format", "json", "m.py", cwd=tmp_path, test_rules=True)
    # The test rule's span is one line: the comment two lines below does not count.
    assert [f["line"] for f in res.json()["findings"]] == [4, 6]


def test_quiet_prints_only_findings(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "a = WARN_HERE\n")
    res = cli("--quiet", "--format", "text", "m.py", cwd=tmp_path, test_rules=True)
    assert "Found" not in res.stdout
    assert res.stdout.startswith("m.py:3:5: KG991")
    clean = write(tmp_path, "clean.py", "x = 1\n")
    res = cli("-q", "--format", "rich", clean.name, cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.strip() == ""


def test_statistics(cli, tmp_path):
    write(tmp_path, "a.py", HEADER + "a = WARN_HERE\nb = WARN_HERE\nc = ERROR_HERE\n")
    write(tmp_path, "b.py", HEADER + "a = WARN_HERE\n")
    res = cli("--statistics", ".", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    assert res.stdout.splitlines() == ["3\tKG991\ttest-warning", "1\tKG992\ttest-error"]
    res = cli("--statistics", "--format", "json", ".", cwd=tmp_path, test_rules=True)
    assert res.json() == [
        {"code": "KG991", "name": "test-warning", "count": 3},
        {"code": "KG992", "name": "test-error", "count": 1},
    ]


def test_explain(cli, tmp_path):
    res = cli("--explain", "KG900", cwd=tmp_path)
    assert res.returncode == 0
    out = res.stdout
    assert out.startswith("KG900 (parse-error)")
    positions = [out.index(f"## {s}") for s in ("What it does", "Why is this bad?", "Example", "Use instead")]
    assert positions == sorted(positions)
    assert "keras.Input(shape=(8,)\n" in out  # the Example code block
    assert cli("--explain", "kg900", cwd=tmp_path).returncode == 0


def test_explain_every_registered_rule(cli, tmp_path):
    from kgraphlint.rules import all_rules

    for code in all_rules():
        res = cli("--explain", code, cwd=tmp_path)
        assert res.returncode == 0, (code, res.stderr)
        assert "## What it does" in res.stdout and "## Use instead" in res.stdout, code


def test_explain_unknown_rule(cli, tmp_path):
    res = cli("--explain", "KG999", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.splitlines()) == 1
    assert "unknown rule 'KG999'" in res.stderr


def test_version_is_light(tmp_path):
    from kgraphlint import __version__

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kgraphlint", "--version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"kgraphlint {__version__}"
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert not imported & {"tensorflow", "keras", "libcst", "rich", "numpy"}, imported & {"tensorflow", "keras", "libcst", "rich"}


def test_static_run_never_imports_tensorflow_or_keras(cli, tmp_path):
    modules_out = tmp_path / "leaked.txt"
    write(
        tmp_path,
        "model.py",
        """\
        import tensorflow as tf
        import keras
        from keras import layers

        inp = keras.Input((8,))
        out = layers.Dense(3)(inp)
        model = keras.Model(inp, out)
        x = (1,
        """,
    )
    write(tmp_path, "ok.py", "import keras\nWARN_HERE = keras.Input((2,))\n")
    for fmt in ("json", "rich", "text"):
        res = cli(
            "--format", fmt, "--no-cache", ".", cwd=tmp_path, block_keras=True, test_rules=True,
            env={"KGRAPHLINT_TEST_MODULES_OUT": str(modules_out)},
        )
        assert res.returncode == 1, res.output
        assert "Traceback" not in res.output and "forbidden" not in res.output
        assert modules_out.read_text() == "", f"imported: {modules_out.read_text()}"
    data = cli("--format", "json", ".", cwd=tmp_path, block_keras=True, test_rules=True).json()
    assert {f["code"] for f in data["findings"]} >= {"KG900", "KG991"}


def test_the_blocker_really_blocks(cli, tmp_path):
    # Guard against a vacuous test above: with the blocker, importing keras fails.
    script = write(tmp_path, "probe.py", "import keras\n")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "PYTHONPATH": str(cli._site), "KGRAPHLINT_TEST_BLOCK_KERAS": "1"},
    )
    assert proc.returncode != 0 and "forbidden in static mode" in proc.stderr


def test_parallel_results_equal_serial(cli, tmp_path):
    for i in range(20):
        body = HEADER + ("a = WARN_HERE\n" if i % 2 else "b = ERROR_HERE\n") + ("x = (\n" if i % 7 == 0 else "")
        write(tmp_path, f"pkg/m{i:02d}.py", body)
    serial = cli("--format", "json", "--no-cache", "--jobs", "1", "pkg", cwd=tmp_path, test_rules=True)
    parallel = cli("--format", "json", "--no-cache", "--jobs", "4", "pkg", cwd=tmp_path, test_rules=True)
    assert serial.returncode == parallel.returncode == 1
    assert serial.json() == parallel.json()
    assert serial.json()["files_checked"] == 20


def test_jobs_must_be_positive(cli, tmp_path):
    res = cli("--jobs", "0", ".", cwd=tmp_path)
    assert res.returncode == 2
    assert "Traceback" not in res.output


def test_internal_error_in_a_rule_is_reported_not_raised(cli, tmp_path):
    write(tmp_path, "a.py", HEADER + "CRASH_HERE = 1\n")
    write(tmp_path, "b.py", HEADER + "WARN_HERE = 1\n")
    res = cli("--format", "json", ".", cwd=tmp_path, test_rules=True)
    assert res.returncode == 2  # kgraphlint's own failure
    data = res.json()
    assert [f["path"] for f in data["findings"]] == ["b.py"]  # the other file was still checked
    (error,) = data["errors"]
    assert error["path"] == "a.py"
    assert error["message"].startswith("internal error in rule KG994: ZeroDivisionError")
    assert "Traceback" not in res.output


def test_fix_and_diff(cli, tmp_path):
    target = write(tmp_path, "m.py", HEADER + "OLD_NAME = 1\nprint(OLD_NAME)\n")
    res = cli("--diff", "m.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    assert "\n-OLD_NAME = 1\n" in res.stdout and "\n+NEW_NAME = 1\n" in res.stdout
    assert "--- a/m.py" in res.stdout and "+++ b/m.py" in res.stdout
    assert "OLD_NAME" in target.read_text()  # --diff writes nothing

    res = cli("--fix", "m.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 0, res.output  # nothing left after fixing
    assert "Fixed m.py: 2 findings (KG993)" in res.stderr
    assert target.read_text() == HEADER + "NEW_NAME = 1\nprint(NEW_NAME)\n"

    again = cli("--fix", "m.py", cwd=tmp_path, test_rules=True)
    assert again.returncode == 0 and "Fixed" not in again.stderr
    assert cli("--diff", "m.py", cwd=tmp_path, test_rules=True).returncode == 0


def test_fix_reports_what_is_left(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "OLD_NAME = WARN_HERE\n")
    res = cli("--fix", "--format", "json", "m.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 1
    assert [f["code"] for f in res.json()["findings"]] == ["KG991"]


# ----------------------------------------------------------------------
# With the real static engine and rules.

BROKEN = """\
import keras

a = keras.Input((4,))
b = keras.Input((4,))
out = keras.layers.Dense(1)(b)
model = keras.Model(a, out)
"""

LAYER_AS_OUTPUT = """\
import keras

inp = keras.Input((4,))
model = keras.Model(inp, keras.layers.Dense(3))
"""


@needs_engine
def test_real_findings_disconnected_output_and_unused_input(cli, tmp_path):
    write(tmp_path, "broken.py", BROKEN)
    res = cli("--format", "json", "--no-cache", "broken.py", cwd=tmp_path)
    assert res.returncode == 1, res.output
    found = {(f["code"], f["line"]) for f in res.json()["findings"]}
    assert ("KG101", 6) in found
    assert ("KG102", 6) in found


@needs_engine
def test_real_finding_layer_as_tensor(cli, tmp_path):
    write(tmp_path, "m.py", LAYER_AS_OUTPUT)
    res = cli("--format", "json", "--no-cache", "m.py", cwd=tmp_path)
    assert res.returncode == 1, res.output
    assert ("KG201", 4) in {(f["code"], f["line"]) for f in res.json()["findings"]}
    ignored = cli("--format", "json", "--no-cache", "--ignore", "KG2", "m.py", cwd=tmp_path).json()
    assert "KG201" not in {f["code"] for f in ignored["findings"]}


@needs_engine
def test_real_finding_suppressed_by_noqa(cli, tmp_path):
    write(tmp_path, "m.py", BROKEN.replace("model = keras.Model(a, out)", "model = keras.Model(a, out)  # noqa: KG101"))
    codes = {f["code"] for f in cli("--format", "json", "--no-cache", "m.py", cwd=tmp_path).json()["findings"]}
    assert "KG101" not in codes and "KG102" in codes


@needs_engine
def test_reference_fixture_is_clean(cli):
    repo = Path(__file__).resolve().parents[1]
    res = cli("--no-cache", "fixtures/inception_v3_finetune.py", cwd=repo)
    assert res.returncode == 0, res.output


# ----------------------------------------------------------------------
# --trace: merging with static findings, and the missing-TensorFlow message.


def test_merge_trace_findings():
    from kgraphlint.findings import Finding, Related
    from kgraphlint.lint import merge_trace

    def make(code, line, engine, severity="error", related=()):
        return Finding(code, "n", severity, "m.py", line, 9, line, 20, f"{engine} text", "", engine, list(related))

    static = [
        make("KG101", 6, "static", related=[Related("m.py", 4, 5, "`b` is defined here")]),
        make("KG401", 1, "static"),
        make("KG102", 8, "static", severity="warning"),
    ]
    trace = [
        make("KG101", 6, "trace", related=[Related("m.py", 4, 5, "same place"), Related("lib.py", 3, 1, "made here")]),
        make("KG901", 1, "trace"),  # the crash the private import causes: folded into KG401
        make("KG901", 8, "trace"),  # a warning does not explain a crash: reported
        make("KG304", 9, "trace"),  # only the trace saw it
    ]
    merged = {(f.code, f.line): f for f in merge_trace(static, trace)}
    assert sorted(merged) == [("KG101", 6), ("KG102", 8), ("KG304", 9), ("KG401", 1), ("KG901", 8)]
    kg101 = merged[("KG101", 6)]
    assert (kg101.engine, kg101.message) == ("both", "static text")
    assert [(r.path, r.message) for r in kg101.related] == [("m.py", "`b` is defined here"), ("lib.py", "made here")]
    assert merged[("KG401", 1)].engine == "both"
    assert merged[("KG102", 8)].engine == "static"
    assert merged[("KG901", 8)].engine == "trace"
    assert merged[("KG304", 9)].engine == "trace"


def test_trace_without_tensorflow_is_a_usage_error(cli, tmp_path):
    write(tmp_path, "m.py", BROKEN)
    res = cli("--trace", "m.py", cwd=tmp_path, block_keras=True)
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr == "kgraphlint: --trace needs TensorFlow: pip install tensorflow (or install kgraphlint with its [tensorflow] extra)\n"


@needs_engine
@pytest.mark.slow
def test_trace_merges_with_static(cli, tmp_path):
    pytest.importorskip("tensorflow")
    if not (Path(__file__).resolve().parents[1] / "kgraphlint" / "trace" / "runner.py").exists():
        pytest.skip("the trace engine is not there yet")
    write(tmp_path, "broken.py", BROKEN)
    res = cli("--trace", "--format", "json", "broken.py", cwd=tmp_path)
    assert res.returncode == 1, res.output
    engines = {(f["code"], f["line"]): f["engine"] for f in res.json()["findings"]}
    assert engines.get(("KG101", 6)) == "both", engines
