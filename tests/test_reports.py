"""The text, JSON and rich renderers, on hand-made results (no engine involved)."""

from __future__ import annotations

import io
import json
import re

import pytest

from conftest import write
from kgraphlint.findings import NOTHING_FOUND, Edit, FileError, Finding, Fix, Related, Skip
from kgraphlint.lint import LintResult
from kgraphlint.report import json_report, rich_report, text
from kgraphlint.report.summary import summary_line
from kgraphlint.rules import all_rules

SOURCE = """\
import keras

a = keras.Input((4,))
b = keras.Input((4,))
out = keras.layers.Dense(1)(b)
model = keras.Model(a, out)
"""


def kg101(path: str) -> Finding:
    return Finding(
        code="KG101", name="disconnected-output", severity="error", path=path,
        line=6, column=9, end_line=6, end_column=28,
        message="Output `out` of model `model` is not connected to its inputs: it depends on Input `b`.",
        hint="add `b` to the model inputs",
        related=[Related(path, 4, 5, "Input `b` is defined here")],
    )


def kg102(path: str) -> Finding:
    return Finding("KG102", "unused-input", "warning", path, 6, 9, 6, 28, "Input `a` is not used.", "remove `a`")


def render(module, result, **kwargs) -> str:
    out = io.StringIO()
    module.render(result, out, all_rules(), **kwargs)
    return out.getvalue()


@pytest.fixture
def source(tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", SOURCE)
    return "net.py"


def test_summary_wording():
    f = kg101("x.py")
    assert summary_line(LintResult([], [], 12)) == "All checks passed: 12 files."
    assert summary_line(LintResult([], [], 1)) == "All checks passed: 1 file."
    assert summary_line(LintResult([f], [], 1)) == "Found 1 finding (1 error) in 1 file."
    three = [f, kg101("y.py"), kg102("x.py")]
    # "in N files" counts the files with findings, of those checked.
    assert summary_line(LintResult(three, [], 12)) == "Found 3 findings (2 errors, 1 warning) in 2 of 12 files."
    assert summary_line(LintResult(three, [], 2)) == "Found 3 findings (2 errors, 1 warning) in 2 files."
    errors = [FileError("z.py", "broken symbolic link")]
    assert summary_line(LintResult([], errors, 2)) == "No findings in 2 files; 1 file could not be checked."
    assert summary_line(LintResult([f], errors, 2)) == "Found 1 finding (1 error) in 1 of 2 files; 1 file could not be checked."


def test_summary_never_says_passed_about_skipped_work():
    big = Skip("big.py", "file is larger than 2 MiB", "check")
    untraced = [Skip("a.py", "package `foo` is not installed", "trace"), Skip("b.py", "package `bar` is not installed", "trace")]
    assert summary_line(LintResult([], [], 3, skipped=[big])) == "No findings in 3 files; 1 file skipped."
    assert summary_line(LintResult([], [], 3, skipped=untraced, files_traced=1)) == (
        "No findings in 3 files (1 traced); 2 files not traced."
    )
    assert summary_line(LintResult([], [], 3, files_traced=3)) == "All checks passed: 3 files (3 traced)."
    # --trace where nothing could be traced says so plainly.
    assert summary_line(LintResult([], [], 2, skipped=untraced, files_traced=0)) == (
        "No findings in 2 files; --trace could trace nothing: 2 files not traced."
    )
    assert summary_line(LintResult([], [], 2, files_traced=0)) == (
        "No findings in 2 files; --trace had nothing to trace: no file uses Keras."
    )
    assert summary_line(LintResult([kg101("a.py")], [], 3, skipped=untraced[:1], files_traced=2)) == (
        "Found 1 finding (1 error) in 1 of 3 files (2 traced); 1 file not traced."
    )
    empty = Skip("empty", NOTHING_FOUND, "check")
    assert summary_line(LintResult([], [], 0, skipped=[empty])) == "No files checked: no Python files or notebooks found."
    assert summary_line(LintResult([], [], 1, skipped=[empty])) == (
        "No findings in 1 file; no Python files or notebooks found in empty."
    )


def test_text_report(source):
    fix = Finding("KG401", "private-keras-api", "error", source, 1, 8, 1, 13, "Private.", "", fix=Fix("use `keras`", [Edit(1, 8, 1, 13, "keras")]))
    result = LintResult([kg101(source), fix], [FileError("gone.py", "broken symbolic link")], 3)
    assert render(text, result).splitlines() == [
        "net.py:6:9: KG101 [error] Output `out` of model `model` is not connected to its inputs: it depends on Input `b`.",
        "    help: add `b` to the model inputs",
        "    note: net.py:4:5: Input `b` is defined here",
        "net.py:1:8: KG401 [error] Private.",
        "    fix: use `keras` (apply with --fix)",
        "gone.py: error: broken symbolic link",
        "Found 2 findings (2 errors) in 1 of 3 files; 1 file could not be checked.",
    ]
    assert "Found" not in render(text, result, quiet=True)


def test_partial_trace_reads_as_such(source):
    partial = Skip("a.py", "not fully traced: builder `make(cfg)` needs arguments", "trace")
    result = LintResult([], [], 2, skipped=[partial], files_traced=2)
    assert render(text, result).splitlines() == [
        "a.py: not fully traced: builder `make(cfg)` needs arguments",
        "No findings in 2 files (2 traced); 1 file not fully traced.",
    ]


def test_text_report_lists_every_skip(source):
    skips = [Skip("big.py", "file is larger than 2 MiB", "check"), Skip(source, "package `foo` is not installed", "trace")]
    result = LintResult([], [], 2, skipped=skips, files_traced=0)
    assert render(text, result).splitlines() == [
        "big.py: skipped: file is larger than 2 MiB",
        "net.py: not traced: package `foo` is not installed",
        "No findings in 2 files; 1 file skipped; --trace could trace nothing: 1 file not traced.",
    ]
    # --quiet drops the summary, never the skips.
    assert render(text, result, quiet=True).splitlines() == [
        "big.py: skipped: file is larger than 2 MiB",
        "net.py: not traced: package `foo` is not installed",
    ]


def test_json_report_is_the_contract(source):
    result = LintResult([kg101(source)], [FileError("gone.py", "broken symbolic link")], 3)
    data = json.loads(render(json_report, result))
    assert list(data) == ["version", "files_checked", "files_traced", "findings", "errors", "skipped"]
    assert data["version"] == 2 and data["files_checked"] == 3 and data["files_traced"] is None
    assert data["errors"] == [{"path": "gone.py", "message": "broken symbolic link"}]
    assert data["skipped"] == []
    (f,) = data["findings"]
    assert f == kg101(source).to_dict()
    assert list(f) == [
        "code", "name", "severity", "path", "line", "column", "end_line", "end_column",
        "message", "hint", "engine", "related", "fix",
    ]
    assert Finding.from_dict(f) == kg101(source)


def test_json_report_lists_skips(source):
    skip = Skip(source, "package `foo` is not installed", "trace")
    data = json.loads(render(json_report, LintResult([], [], 1, skipped=[skip], files_traced=0)))
    assert data["files_traced"] == 0
    assert data["skipped"] == [{"path": source, "stage": "trace", "reason": "package `foo` is not installed"}]


def test_json_report_is_ascii(source):
    f = kg102(source)
    f.message = "Input `é` — unused"
    out = render(json_report, LintResult([f], [], 1))
    assert out.isascii()
    assert json.loads(out)["findings"][0]["message"] == "Input `é` — unused"


def test_rich_report_frames(source):
    out = render(rich_report, LintResult([kg101(source), kg102(source)], [], 1))
    assert "error[KG101] disconnected-output: Output `out` of model `model`" in out
    assert " --> net.py:6:9" in out
    assert "6 | model = keras.Model(a, out)" in out
    assert "  |         ^^^^^^^^^^^^^^^^^^^\n" in out  # exactly the span 9..28
    assert " ::: net.py:4:5" in out
    assert "4 | b = keras.Input((4,))" in out
    assert "  |     ----------- Input `b` is defined here" in out
    assert "= help: add `b` to the model inputs" in out
    assert "warning[KG102] unused-input" in out
    table = out[out.rindex("count"):]
    assert re.search(r"1\s+KG101\s+disconnected-output\s+error", table)
    assert re.search(r"1\s+KG102\s+unused-input\s+warning", table)
    assert out.rstrip().endswith("Found 2 findings (1 error, 1 warning) in 1 file.")


def test_rich_report_lists_skips(source):
    skips = [Skip("big.py", "file is larger than 2 MiB", "check"), Skip(source, "package `foo` is not installed", "trace")]
    out = render(rich_report, LintResult([], [], 2, skipped=skips, files_traced=0))
    assert "skipped: big.py: file is larger than 2 MiB" in out
    assert "not traced: net.py: package `foo` is not installed" in out
    assert "All checks passed" not in out
    assert "--trace could trace nothing" in out
    quiet = render(rich_report, LintResult([], [], 2, skipped=skips), quiet=True)
    assert "big.py" in quiet and "No findings" not in quiet


def test_rich_report_wraps_long_lines_at_word_boundaries(source, monkeypatch):
    from rich.console import Console

    finding = kg101(source)
    finding.hint = "add `b` to the model inputs " + " ".join(f"word{i}" for i in range(40))
    out = io.StringIO()
    console = Console(file=out, width=60, highlight=False, markup=False, emoji=False, soft_wrap=True)
    monkeypatch.setattr(rich_report, "make_console", lambda _out: console)
    rich_report.render(LintResult([finding], [], 1), out, all_rules())
    lines = out.getvalue().splitlines()
    source_rows = [line for line in lines if " | " in line]
    assert all(len(line) <= 60 for line in lines if line not in source_rows), lines
    header = [i for i, line in enumerate(lines) if line.startswith("error[KG101]")][0]
    # The message continues on the next lines, indented, never cut inside a word.
    assert lines[header + 1].startswith("    ") and lines[header + 1].strip()
    words = finding.message.split()
    assert " ".join(" ".join(lines[header:header + 3]).split()).startswith("error[KG101] disconnected-output: " + " ".join(words[:8]))
    help_rows = lines[next(i for i, line in enumerate(lines) if "= help:" in line):]
    help_text = " ".join(row.strip() for row in help_rows if row.strip() and "Found" not in row and "count" not in row and "KG101" not in row)
    assert "word0 word1 word2" in help_text and "word39" in help_text
    # Continuation lines of the help start under its text.
    column = help_rows[0].index("help: ") + len("help: ")
    assert help_rows[1][:column].strip() == "" and help_rows[1][column] != " "


def test_rich_report_quiet_and_clean(source):
    assert render(rich_report, LintResult([], [], 4)).strip() == "All checks passed: 4 files."
    quiet = render(rich_report, LintResult([kg101(source)], [], 1), quiet=True)
    assert "Found" not in quiet and "count" not in quiet and "KG101" in quiet


def test_rich_report_survives_missing_sources(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "short.py", "x = 1\n")
    findings = [
        kg101("does/not/exist.py"),  # file gone
        kg101("short.py"),  # lines past the end: the file changed since
        Finding("KG901", "trace-failed", "error", "short.py", 1, 50, 1, 60, "Column past the end.", ""),
    ]
    findings[1].related.append(Related("/elsewhere/site-packages/lib.py", 10, 3, "called from here"))
    out = render(rich_report, LintResult(findings, [], 1))
    assert out.count("--> does/not/exist.py:6:9") == 1
    assert "Input `b` is defined here" in out  # the label survives without a frame
    assert "called from here" in out
    assert "1 | x = 1" in out


def test_rich_report_multiline_span_and_tabs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ["import keras", "model = keras.Model(", "\tinputs=a,", "\toutputs=b,", "\tname='m',", "\tx=1,", ")"]
    write(tmp_path, "m.py", "\n".join(lines) + "\n")
    f = Finding("KG101", "disconnected-output", "error", "m.py", 2, 9, 7, 2, "Multi-line.", "")
    out = render(rich_report, LintResult([f], [], 1))
    assert "2 | model = keras.Model(" in out
    assert "  |         ^^^^^^^^^^^^" in out
    assert "  ..." in out  # long spans are elided in the middle
    assert "7 | )" in out
    assert "\t" not in out
    g = Finding("KG102", "unused-input", "warning", "m.py", 3, 2, 3, 10, "Tabbed.", "")
    out = render(rich_report, LintResult([g], [], 1))
    assert "3 |     inputs=a," in out
    assert "  |     ^^^^^^^^" in out  # the caret follows the expanded tab


@pytest.mark.parametrize("width", [10, 20, 40])
def test_rich_report_on_narrow_terminals(source, width, monkeypatch):
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=width, highlight=False, markup=False, emoji=False, soft_wrap=True)
    monkeypatch.setattr(rich_report, "make_console", lambda _out: console)
    rich_report.render(LintResult([kg101(source)], [FileError("x.py", "broken symbolic link")], 1), out, all_rules())
    text_out = out.getvalue()
    # Nothing is cropped: every fact is still there (messages wrap between
    # words; source lines are never broken).
    words = " ".join(text_out.split())
    for fact in ["KG101", "net.py:6:9", "add `b` to the model inputs", "broken symbolic link"]:
        assert fact in words
    assert "model = keras.Model(a, out)" in text_out


def test_rich_report_colour_is_only_decoration(source, monkeypatch):
    from rich.console import Console

    finding = kg101(source)
    wide = Console(file=io.StringIO(), width=200, highlight=False, markup=False, emoji=False, soft_wrap=True)
    monkeypatch.setattr(rich_report, "make_console", lambda _out: wide)
    rich_report.render(LintResult([finding], [], 1), wide.file, all_rules())
    plain = wide.file.getvalue()
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=200,
                      highlight=False, markup=False, emoji=False, soft_wrap=True)
    monkeypatch.setattr(rich_report, "make_console", lambda _out: console)
    rich_report.render(LintResult([finding], [], 1), out, all_rules())
    coloured = out.getvalue()
    assert "\x1b[" in coloured
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert [line.rstrip() for line in stripped.splitlines()] == [line.rstrip() for line in plain.splitlines()]


def test_messages_with_brackets_are_not_markup(source):
    f = kg102(source)
    f.message = "Layer [bold]x[/bold] :smile: is unused."
    out = render(rich_report, LintResult([f], [], 1))
    assert "[bold]x[/bold] :smile:" in out
