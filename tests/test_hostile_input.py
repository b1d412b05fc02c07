"""Hostile input from a trusted linter's red team: every case is one line about
that file or setting, never an internal error, a traceback or a hang.

File names that are not UTF-8 or hold a newline, broken pyproject.toml files,
--config pointing at a FIFO or /dev/zero, trace.calls literals that cannot
travel, cache entries of the wrong shape or type, a cache directory that is a
symlink, a file swapped for a FIFO after discovery.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import kgraphlint.lint as lint_module
from conftest import write
from kgraphlint.cache import CACHE_DIR_NAME
from kgraphlint.config import Config
from kgraphlint.lint import lint_paths
from kgraphlint.trace.calls import CallSpecError, calls_for, parse_call

GOOD = "import keras\n\nWARN_HERE = keras.Input((3,))\n"  # KG991 (test rule) on line 3
FORMATS = ("text", "json", "sarif", "github", "rich")
TIMEOUT = 60  # a hang fails the test instead of blocking the suite


def run(cli, root: Path, *args: str, test_rules: bool = True):
    res = cli(*args, cwd=root, test_rules=test_rules, timeout=TIMEOUT)
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    return res


# ----------------------------------------------------------------------
# File names


def test_non_utf8_file_name_in_every_format(cli, tmp_path):
    name = os.fsdecode(b"caf\xe9.py")
    write(tmp_path, name, GOOD)
    write(tmp_path, "good.py", GOOD)
    for fmt in FORMATS:
        res = run(cli, tmp_path, "--no-cache", "--format", fmt, ".")
        assert res.returncode == 1, (fmt, res.output)
        if fmt in ("json", "sarif"):
            json.loads(res.stdout)  # valid JSON, valid Unicode
        else:
            assert "caf\\xe9.py" in res.stdout, fmt
    sarif = json.loads(run(cli, tmp_path, "--format", "sarif", ".").stdout)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert uris == ["caf%E9.py", "good.py"]  # the exact bytes, percent-encoded
    data = json.loads(run(cli, tmp_path, "--format", "json", ".").stdout)
    assert [f["path"] for f in data["findings"]] == ["caf\\xe9.py", "good.py"]


def test_non_utf8_file_name_can_be_fixed(cli, tmp_path):
    path = write(tmp_path, os.fsdecode(b"caf\xe9.py"), "import keras\n\nOLD_NAME = keras.Input((3,))\n")
    res = run(cli, tmp_path, "--fix", "--no-cache", "--format", "text", ".")
    assert "Fixed caf\\xe9.py" in res.stderr
    assert "NEW_NAME" in path.read_text()


def test_newline_in_a_file_name_keeps_one_finding_on_one_line(cli, tmp_path):
    write(tmp_path, "two\nlines.py", GOOD)
    write(tmp_path, "tab\there.py", GOOD)
    res = run(cli, tmp_path, "--no-cache", "--format", "text", "--quiet", ".")
    headers = [line for line in res.stdout.splitlines() if not line.startswith(" ")]
    assert headers == [
        "tab\\there.py:3:1: KG991 [warning] `WARN_HERE` found.",
        "two\\nlines.py:3:1: KG991 [warning] `WARN_HERE` found.",
    ]
    github = run(cli, tmp_path, "--format", "github", ".").stdout.splitlines()
    assert len(github) == 2 and all(line.startswith("::warning file=") for line in github)


# ----------------------------------------------------------------------
# Settings: exit 2, one line


def assert_setting_error(res, fragment: str) -> None:
    assert res.returncode == 2, res.output
    assert res.stdout == ""
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kgraphlint: ") and fragment in lines[0], res.stderr


def test_broken_pyproject(cli, tmp_path):
    write(tmp_path, "m.py", GOOD)
    (tmp_path / "pyproject.toml").write_text("tool = 5\n")
    assert_setting_error(run(cli, tmp_path, "."), "'tool' must be a table, got int")
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.kgraphlint]\nselect = ['\xff']\n")
    assert_setting_error(run(cli, tmp_path, "."), "not valid UTF-8 (byte 0xff")
    (tmp_path / "pyproject.toml").write_text("[tool.kgraphlint]\nexclude = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert_setting_error(run(cli, tmp_path, "."), "invalid TOML")
    (tmp_path / "pyproject.toml").write_text("[tool]\nkgraphlint = 'yes'\n")
    assert_setting_error(run(cli, tmp_path, "."), "expected a table")


def test_config_that_is_a_fifo_or_a_device(cli, tmp_path):
    write(tmp_path, "m.py", GOOD)
    os.mkfifo(tmp_path / "fifo.toml")
    os.symlink("/dev/zero", tmp_path / "zero.toml")
    for config in ("fifo.toml", "/dev/zero", "zero.toml"):
        assert_setting_error(run(cli, tmp_path, "--config", config, "."), "not a regular file")


def test_pyproject_that_is_a_fifo_is_not_read(cli, tmp_path):
    write(tmp_path, "m.py", GOOD)
    os.mkfifo(tmp_path / "pyproject.toml")
    res = run(cli, tmp_path, "--no-cache", "--format", "text", ".")
    assert res.returncode == 1 and "KG991" in res.stdout


@pytest.mark.parametrize(
    "entry, problem",
    [
        ("m.py:build({1, 2})", "a set value"),
        ("m.py:build(b'raw')", "a bytes value"),
        ("m.py:build(size=1j)", "a complex value"),
        ("m.py:build({1: 'a'})", "non-string keys"),
        ("m.py:build(" + "[" * 200_000 + "]" * 200_000 + ")", "too many nested parentheses"),
        ("m.py:build(" + "-" * 200_000 + "1)", "nested too deeply"),
        ("m.py:build(" + "9" * 10_000 + ")", "digits"),
    ],
)
def test_trace_calls_literals_that_cannot_travel(entry, problem, tmp_path):
    with pytest.raises(CallSpecError, match=problem) as info:
        parse_call(entry)
    assert len(str(info.value).splitlines()) == 1 and len(str(info.value)) < 400
    target = write(tmp_path, "m.py", GOOD)
    specs, errors = calls_for([entry], str(target), [str(tmp_path)])
    assert specs == [] and len(errors) == 1


def test_trace_calls_json_literals_still_work():
    spec = parse_call("m.py:build(sizes=[1, (2, 3)], cfg={'a': None, 'b': True}, rate=0.5)")
    json.dumps(spec.to_json())


# ----------------------------------------------------------------------
# The cache


def cache_entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR_NAME).rglob("*.json"))


WRONG_SHAPES = [
    {"findings": [{"code": 1}], "builders": [], "parsed": True},
    {"findings": [{}], "builders": [], "parsed": True},
    {"findings": "x", "builders": [], "parsed": True},
    {"findings": [], "builders": [["b", "x"]], "parsed": True},
    {"findings": [], "builders": [], "parsed": "yes"},
]


def test_cache_entries_of_the_wrong_shape_or_type_are_misses(cli, tmp_path):
    write(tmp_path, "m.py", GOOD)
    first = run(cli, tmp_path, "--format", "json", ".").json()
    (entry,) = cache_entries(tmp_path)
    good_entry = json.loads(entry.read_text())
    wrong_finding = dict(good_entry["findings"][0], line="3", path="elsewhere.py")
    for value in WRONG_SHAPES + [{**good_entry, "findings": [wrong_finding]}]:
        entry.write_text(json.dumps(value))
        assert run(cli, tmp_path, "--format", "json", ".").json() == first, value
    entry.write_text("[" * 100_000 + "]" * 100_000)
    assert run(cli, tmp_path, "--format", "json", ".").json() == first
    for make in (lambda: os.mkfifo(entry), lambda: os.symlink("/dev/zero", entry)):
        entry.unlink()
        make()
        assert run(cli, tmp_path, "--format", "json", ".").json() == first


def test_cache_directory_that_is_a_symlink_is_not_used(cli, tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    outside.mkdir()
    write(project, "m.py", GOOD)
    (project / CACHE_DIR_NAME).symlink_to(outside)
    res = run(cli, project, "--format", "text", ".")
    assert res.returncode == 1 and "KG991" in res.stdout
    assert list(outside.iterdir()) == []  # nothing written outside the project
    # A symlinked level further down is refused too.
    (project / CACHE_DIR_NAME).unlink()
    (project / CACHE_DIR_NAME).mkdir()
    (project / CACHE_DIR_NAME / "v1").symlink_to(outside)
    run(cli, project, "--format", "text", ".")
    assert list(outside.iterdir()) == []


# ----------------------------------------------------------------------
# A file swapped for a FIFO or a device after discovery


@pytest.mark.parametrize("replacement", ["fifo", "dev-zero"])
def test_file_swapped_after_discovery_is_not_read(tmp_path, monkeypatch, replacement):
    victim = write(tmp_path, "victim.py", GOOD)
    write(tmp_path, "good.py", "import keras\n\nx = keras.Input((3,))\n")
    real_discover = lint_module.discover

    def discover_then_swap(paths, config):
        found = real_discover(paths, config)
        victim.unlink()
        if replacement == "fifo":
            os.mkfifo(victim)
        else:
            os.symlink("/dev/zero", victim)
        return found

    monkeypatch.setattr(lint_module, "discover", discover_then_swap)
    result = lint_paths([str(tmp_path)], config=Config(root=tmp_path), use_cache=False)
    assert [(Path(e.path).name, e.message) for e in result.errors] == [("victim.py", "not a regular file")]
    assert result.files_checked == 1
