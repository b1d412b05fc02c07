"""Nothing skipped is ever reported as passed: every skip, with its reason, in
every format; unknown rule codes are usage errors; KG900 for every file and
never for valid Python.  Through the real CLI."""

from __future__ import annotations

import json

import pytest

from conftest import write

HEADER = "import keras\n\n"
GOOD = HEADER + "WARN_HERE = keras.Input((3,))\n"
FORMATS = ["text", "rich", "json", "sarif", "github"]


def run(cli, tmp_path, *args, **kwargs):
    res = cli("--no-cache", *args, cwd=tmp_path, test_rules=True, **kwargs)
    assert "Traceback" not in res.output
    return res


# ----------------------------------------------------------------------
# Empty directories


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_directory_warns_instead_of_passing(cli, tmp_path, fmt):
    (tmp_path / "empty").mkdir()
    write(tmp_path, "empty/README.md", "no python here\n")
    res = run(cli, tmp_path, "--format", fmt, "empty")
    assert res.returncode == 0
    assert "All checks passed" not in res.output
    assert "kgraphlint: warning: no Python files or notebooks found in empty" in res.stderr
    if fmt in ("text", "rich"):
        assert "No files checked: no Python files or notebooks found." in res.stdout
    elif fmt == "json":
        data = res.json()
        assert data["files_checked"] == 0
        assert data["skipped"] == [{"path": "empty", "stage": "check", "reason": "no Python files or notebooks found"}]
    elif fmt == "sarif":
        (note,) = json.loads(res.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        assert "no Python files or notebooks found" in note["message"]["text"]
    else:
        assert res.stdout == "::notice file=empty,title=kgraphlint%3A skipped::skipped: no Python files or notebooks found\n"


def test_empty_directory_beside_real_files(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path, "good.py", "import keras\n")
    res = run(cli, tmp_path, "--format", "text", "empty", "good.py")
    assert res.stdout.splitlines()[-1] == "No findings in 1 file; no Python files or notebooks found in empty."


# ----------------------------------------------------------------------
# Counting


def test_summary_counts_files_with_findings_of_files_checked(cli, tmp_path):
    write(tmp_path, "a.py", GOOD)
    write(tmp_path, "b.py", HEADER + "x = 1\n")
    write(tmp_path, "c.py", "y = 2\n")
    res = run(cli, tmp_path, "--format", "text", ".")
    assert res.stdout.splitlines()[-1] == "Found 1 finding (1 warning) in 1 of 3 files."


# ----------------------------------------------------------------------
# Unknown rule codes


@pytest.mark.parametrize(
    "args, label",
    [
        (["--select", "KG999"], "--select"),
        (["--ignore", "KG310"], "--ignore"),
        (["--select", "KG1,KG7"], "--select"),  # a prefix must match at least one rule
    ],
)
def test_unknown_rule_codes_are_usage_errors(cli, tmp_path, args, label):
    write(tmp_path, "m.py", GOOD)
    res = run(cli, tmp_path, *args, "m.py")
    assert res.returncode == 2
    assert res.stdout == ""
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"kgraphlint: {label}: ") and "matches no rule" in line
    assert "KG101" in line  # the known rules are listed


def test_known_codes_and_prefixes_are_accepted(cli, tmp_path):
    write(tmp_path, "m.py", GOOD)
    for selector in ("KG101", "KG1", "KG", "ALL", "KG99", "KG991"):  # KG991: a rule registered at run time
        res = run(cli, tmp_path, "--select", selector, "m.py")
        assert res.returncode in (0, 1), (selector, res.stderr)


@pytest.mark.parametrize(
    "table",
    ['select = ["KG999"]\n', 'ignore = ["KG1", "KG310"]\n', '[tool.kgraphlint.per-file-ignores]\n"tests/**" = ["KG8"]\n'],
)
def test_unknown_codes_in_config_are_usage_errors(cli, tmp_path, table):
    write(tmp_path, "pyproject.toml", "[tool.kgraphlint]\n" + table)
    write(tmp_path, "m.py", GOOD)
    res = run(cli, tmp_path, "m.py")
    assert res.returncode == 2
    assert "pyproject.toml" in res.stderr and "matches no rule" in res.stderr
    assert "Traceback" not in res.stderr


# ----------------------------------------------------------------------
# KG900 for every file, and never on valid Python


def test_utf16_file_is_not_python(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    (tmp_path / "wide.py").write_bytes("import keras\nx = 1\n".encode("utf-16"))  # with its BOM
    (tmp_path / "wide_nokeras.py").write_bytes("x = 1\n".encode("utf-16"))
    data = run(cli, tmp_path, "--format", "json", ".").json()
    messages = {f["path"]: f["message"] for f in data["findings"] if f["code"] == "KG900"}
    assert set(messages) == {"wide.py", "wide_nokeras.py"}
    assert "UTF-16" in messages["wide.py"] and "UTF-8" in messages["wide.py"]


def test_valid_tab_space_mix_is_analysed(cli, tmp_path):
    # CPython accepts this indentation (a tab, then space-tab-space: deeper
    # under both tab sizes); libcst's tokenizer does not.
    source = (
        "import keras\n"
        "if True:\n"
        "\tif True:\n"
        " \t a = keras.Input((3,))\n"
        " \t WARN_HERE = 1\n"
    )
    compile(source, "mix.py", "exec")
    (tmp_path / "mix.py").write_text(source, encoding="utf-8")
    data = run(cli, tmp_path, "--format", "json", "mix.py").json()
    assert [(f["code"], f["line"], f["column"]) for f in data["findings"]] == [("KG991", 5, 4)]
    assert data["skipped"] == []


def test_valid_python_libcst_cannot_parse_is_a_skip_not_kg900(cli, tmp_path):
    # Thousands of adjacent string literals: CPython compiles it, libcst's
    # parser gives up.  That is our limit, not a parse error in the file.
    source = "import keras\n\nTEXT = (\n" + "".join('    "abc"\n' for _ in range(6000)) + ")\n"
    compile(source, "strings.py", "exec")
    write(tmp_path, "strings.py", source)
    write(tmp_path, "good.py", GOOD)
    res = run(cli, tmp_path, "--format", "json", ".")
    data = res.json()
    assert [f["code"] for f in data["findings"]] == ["KG991"]
    (skip,) = data["skipped"]
    assert (skip["path"], skip["stage"]) == ("strings.py", "check")
    assert "valid Python" in skip["reason"]
    assert data["files_checked"] == 1
    text = run(cli, tmp_path, "--format", "text", ".").stdout.splitlines()
    assert text[-2].startswith("strings.py: skipped: valid Python")
    assert text[-1] == "Found 1 finding (1 warning) in 1 file; 1 file skipped."


# ----------------------------------------------------------------------
# Skips in every format


@pytest.fixture
def with_huge_file(tmp_path, monkeypatch):
    from kgraphlint.lint import MAX_FILE_BYTES

    write(tmp_path, "good.py", GOOD)
    (tmp_path / "huge.py").write_bytes(b"import keras\n" + b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1))
    return f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"


def test_skip_in_every_format(cli, tmp_path, with_huge_file):
    reason = with_huge_file
    text = run(cli, tmp_path, "--format", "text", ".").stdout
    assert f"huge.py: skipped: {reason}\n" in text
    assert text.splitlines()[-1] == "Found 1 finding (1 warning) in 1 file; 1 file skipped."
    rich = run(cli, tmp_path, "--format", "rich", ".").stdout
    assert f"skipped: huge.py: {reason}" in rich and "1 file skipped" in rich
    data = run(cli, tmp_path, "--format", "json", ".").json()
    assert data["skipped"] == [{"path": "huge.py", "stage": "check", "reason": reason}]
    sarif = json.loads(run(cli, tmp_path, "--format", "sarif", ".").stdout)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["message"]["text"] == f"huge.py: skipped: {reason}"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "huge.py", "uriBaseId": "%SRCROOT%"}
    github = run(cli, tmp_path, "--format", "github", ".").stdout
    assert f"::notice file=huge.py,title=kgraphlint%3A skipped::skipped: {reason}\n" in github
    stats = run(cli, tmp_path, "--statistics", ".")
    assert stats.stdout.splitlines() == ["1\tKG991\ttest-warning", f"huge.py: skipped: {reason}"]
    stats_json = run(cli, tmp_path, "--statistics", "--format", "json", ".")
    assert json.loads(stats_json.stdout) == [{"code": "KG991", "name": "test-warning", "count": 1}]
    assert f"huge.py: skipped: {reason}" in stats_json.stderr
    quiet = run(cli, tmp_path, "--format", "text", "--quiet", ".").stdout
    assert f"huge.py: skipped: {reason}" in quiet


# ----------------------------------------------------------------------
# --trace: files that could not be traced


@pytest.mark.slow
def test_trace_skip_for_a_missing_package_in_every_format(cli, tmp_path):
    write(
        tmp_path,
        "needs_pkg.py",
        """\
        import kgraphlint_test_no_such_package_xyz
        import keras

        inputs = keras.Input((4,))
        model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
        """,
    )
    data = run(cli, tmp_path, "--trace", "--format", "json", "needs_pkg.py").json()
    (skip,) = data["skipped"]
    assert skip["path"] == "needs_pkg.py" and skip["stage"] == "trace"
    assert "kgraphlint_test_no_such_package_xyz" in skip["reason"]
    # The tracer decides whether the import got far enough to count as a
    # partial trace; either way the report says it, and never "passed".
    partial = skip["reason"].startswith("not fully traced: ")
    assert data["files_traced"] == (1 if partial else 0)
    label = "not fully traced" if partial else "not traced"
    text = run(cli, tmp_path, "--trace", "--format", "text", "needs_pkg.py")
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].startswith(f"needs_pkg.py: {label}: package `kgraphlint_test_no_such_package_xyz`")
    assert lines[-1] == (
        "No findings in 1 file (1 traced); 1 file not fully traced."
        if partial
        else "No findings in 1 file; --trace could trace nothing: 1 file not traced."
    )
    github = run(cli, tmp_path, "--trace", "--format", "github", "needs_pkg.py").stdout
    assert github.startswith(f"::notice file=needs_pkg.py,title=kgraphlint%3A {label}::{label}: package ")
    sarif = json.loads(run(cli, tmp_path, "--trace", "--format", "sarif", "needs_pkg.py").stdout)
    (note,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note" and note["properties"]["stage"] == "trace"
    assert sarif["runs"][0]["properties"] == {"filesChecked": 1, "filesTraced": data["files_traced"]}


def test_trace_with_nothing_to_trace_says_so(cli, tmp_path):
    write(tmp_path, "util.py", "def add(a, b):\n    return a + b\n")
    res = run(cli, tmp_path, "--trace", "--format", "text", "util.py")
    assert res.returncode == 0, res.output
    assert res.stdout.splitlines()[-1] == "No findings in 1 file; --trace had nothing to trace: no file uses Keras."
