"""SARIF 2.1.0 and GitHub workflow-command output: the renderers and the real CLI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kgraphlint.findings import Edit, FileError, Finding, Fix, Related
from kgraphlint.report import github, sarif
from kgraphlint.rules import all_rules

BROKEN = """\
import keras

a = keras.Input((4,))
b = keras.Input((4,))
out = keras.layers.Dense(1)(b)
model = keras.Model(a, out)
"""


@dataclass
class Result:
    """Stands in for kgraphlint.lint.LintResult: the renderers read only these."""

    findings: list[Finding]
    errors: list[FileError] = field(default_factory=list)
    files_checked: int = 1


def kg101(path: str = "models/net.py") -> Finding:
    return Finding(
        code="KG101",
        name="disconnected-output",
        severity="error",
        path=path,
        line=6,
        column=9,
        end_line=6,
        end_column=28,
        message="Output `out` of the model is not connected to its inputs `a`: it depends on `b`.",
        hint="Add `b` to the model inputs.",
        related=[Related(path, 4, 5, "`b` is defined here")],
    )


def kg401(path: str = "models/net.py") -> Finding:
    return Finding(
        code="KG401",
        name="private-keras-api",
        severity="error",
        path=path,
        line=1,
        column=6,
        end_line=1,
        end_column=27,
        message="`keras.engine.training` is private in Keras 3.",
        hint="Import `keras.Model`.",
        fix=Fix("Use the public name", [Edit(1, 6, 1, 27, "keras")]),
    )


def info_finding(path: str = "a, b:c.py") -> Finding:
    return Finding("KG999", "made-up", "info", path, 2, 1, 2, 5, "100% odd\nsecond line", "")


def render(module, result) -> str:
    out = io.StringIO()
    module.render(result, out, all_rules())
    return out.getvalue()


# ----------------------------------------------------------------------
# SARIF


def test_sarif_log_shape(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = json.loads(render(sarif, Result([kg101(), kg401()], [FileError("bad.py", "unreadable")])))
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kgraphlint"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert "KG101" in ids
    for rule in driver["rules"]:
        assert set(rule) >= {"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"}
        assert rule["shortDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    kg101_rule = driver["rules"][ids.index("KG101")]
    assert "What it does" in kg101_rule["help"]["markdown"]

    first, second = run["results"]  # sorted by path, line: KG401 (line 1) first
    assert (first["ruleId"], second["ruleId"]) == ("KG401", "KG101")
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] == "error"
        (loc,) = res["locations"]
        art = loc["physicalLocation"]["artifactLocation"]
        assert art == {"uri": "models/net.py", "uriBaseId": "%SRCROOT%"}
    region = second["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 9, "endLine": 6, "endColumn": 28}
    assert "Add `b` to the model inputs." in second["message"]["text"]
    (rel,) = second["relatedLocations"]
    assert rel["id"] == 0
    assert rel["message"]["text"] == "`b` is defined here"
    assert rel["physicalLocation"]["region"]["startLine"] == 4
    assert "fixes" not in second

    (fix,) = first["fixes"]
    assert fix["description"]["text"] == "Use the public name"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "models/net.py"
    (replacement,) = change["replacements"]
    assert replacement == {
        "deletedRegion": {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 27},
        "insertedContent": {"text": "keras"},
    }

    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert "unreadable" in note["message"]["text"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_levels_uris_and_unknown_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sub = tmp_path / "pkg"
    finding = info_finding(os.path.join("pkg", "my model.py"))
    outside = kg101(str(tmp_path.parent / "elsewhere.py"))
    log = json.loads(render(sarif, Result([finding, outside])))
    run = log["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    # info is SARIF's "note"; a code with no rule module still gets a descriptor.
    assert by_rule["KG999"]["level"] == "note"
    assert run["tool"]["driver"]["rules"][by_rule["KG999"]["ruleIndex"]]["id"] == "KG999"
    uri = by_rule["KG999"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "pkg/my%20model.py"
    assert "\\" not in uri
    outside_art = by_rule["KG101"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside_art["uri"].startswith("file:///") and "uriBaseId" not in outside_art
    assert sub  # the relative path does not need to exist


def test_sarif_empty_run_is_valid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = json.loads(render(sarif, Result([], files_checked=0)))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []


# ----------------------------------------------------------------------
# GitHub workflow commands


def test_github_error_command():
    text = render(github, Result([kg101()]))
    line = text.splitlines()[0]
    assert line.startswith(
        "::error file=models/net.py,line=6,col=9,endLine=6,endColumn=28,title=KG101 disconnected-output::"
    )
    assert "Output `out` of the model" in line
    assert "%0Ahelp: Add `b` to the model inputs." in line
    assert "%0Amodels/net.py:4:5: `b` is defined here" in line
    assert len(text.splitlines()) == 1  # newlines in the message are escaped


def test_github_levels_and_escaping():
    warning = Finding("KG102", "unused-input", "warning", "x.py", 3, 1, 3, 4, "unused", "")
    text = render(github, Result([info_finding(), warning], [FileError("bad,dir/y.py", "cannot read: denied")]))
    lines = text.splitlines()
    notice = next(line for line in lines if line.startswith("::notice"))
    # Property values escape `,` and `:`; the message escapes %, \r, \n only.
    assert notice.startswith("::notice file=a%2C b%3Ac.py,line=2,col=1,")
    assert notice.endswith("::100%25 odd%0Asecond line")
    assert any(line.startswith("::warning file=x.py,line=3,col=1,") for line in lines)
    assert lines[-1] == "::error file=bad%2Cdir/y.py,title=kgraphlint::cannot read: denied"


def test_escape_functions_match_actions_toolkit():
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


# ----------------------------------------------------------------------
# the real CLI

_PKG = Path(__file__).resolve().parents[1] / "kgraphlint"
needs_cli = pytest.mark.skipif(
    not ((_PKG / "cli.py").exists() and (_PKG / "static" / "engine.py").exists()),
    reason="the CLI and the static engine (teammates) are not both there yet",
)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kgraphlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_cli
def test_cli_sarif(tmp_path):
    (tmp_path / "broken.py").write_text(BROKEN)
    proc = run_cli("--format", "sarif", "broken.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    run = log["runs"][0]
    # `a` is also unused (KG102): both findings sit on the Model(...) call.
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"KG101", "KG102"}
    kg101 = by_rule["KG101"]
    assert kg101["level"] == "error"
    assert run["tool"]["driver"]["rules"][kg101["ruleIndex"]]["id"] == "KG101"
    (loc,) = kg101["locations"]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "broken.py", "uriBaseId": "%SRCROOT%"}
    assert loc["physicalLocation"]["region"]["startLine"] == 6
    assert kg101["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert by_rule["KG102"]["level"] == "warning"


@needs_cli
def test_cli_github(tmp_path):
    (tmp_path / "broken.py").write_text(BROKEN)
    proc = run_cli("--format", "github", "broken.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(
        line.startswith("::error file=broken.py,line=6,") and ",title=KG101 disconnected-output::" in line
        for line in lines
    ), proc.stdout
    assert any(line.startswith("::warning file=broken.py,line=6,") and "KG102" in line for line in lines)
