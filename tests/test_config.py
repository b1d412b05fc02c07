"""[tool.kgraphlint] in pyproject.toml: loading, validation, and its effect on a real run."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write
from kgraphlint.config import ConfigError, load_config, load_config_file, path_matches

HEADER = "import keras\n\n"


def pyproject(root: Path, body: str) -> Path:
    return write(root, "pyproject.toml", "[project]\nname = 'x'\n\n[tool.kgraphlint]\n" + body)


def test_defaults_without_pyproject(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path)
    assert config.select is None and config.ignore == () and config.exclude == ()
    assert config.fail_on == "warning"
    assert config.trace_calls == () and config.trace_timeout == 120.0


def test_full_table(tmp_path):
    pyproject(
        tmp_path,
        """\
        select = ["KG1", "KG301"]
        ignore = ["KG103"]
        exclude = ["generated/*", "*_pb2.py"]
        fail-on = "error"

        [tool.kgraphlint.per-file-ignores]
        "tests/*" = ["KG102"]

        [tool.kgraphlint.trace]
        calls = ["models.build:make_model"]
        timeout = 30
        """.replace("        ", ""),
    )
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    config = load_config(tmp_path / "src" / "pkg")  # found by walking up
    assert config.root == tmp_path
    assert config.source is not None and config.source.name == "pyproject.toml"
    assert config.select == ("KG1", "KG301")
    assert config.ignore == ("KG103",)
    assert config.exclude == ("generated/*", "*_pb2.py")
    assert config.per_file_ignores == (("tests/*", ("KG102",)),)
    assert config.fail_on == "error"
    assert config.trace_calls == ("models.build:make_model",)
    assert config.trace_timeout == 30.0


def test_trace_worker_limits(tmp_path):
    config = load_config(tmp_path)
    assert (config.trace_max_files_per_worker, config.trace_max_worker_memory_mb) == (50, 3072)
    pyproject(tmp_path, "[tool.kgraphlint.trace]\nmax-files-per-worker = 5\nmax-worker-memory-mb = 1500\n")
    config = load_config(tmp_path)
    assert (config.trace_max_files_per_worker, config.trace_max_worker_memory_mb) == (5, 1500)


def test_dotted_trace_keys(tmp_path):
    pyproject(tmp_path, '"trace.calls" = ["build"]\n"trace.timeout" = 2.5\n')
    config = load_config(tmp_path)
    assert config.trace_calls == ("build",) and config.trace_timeout == 2.5


def test_nearest_pyproject_wins_and_fixes_the_root(tmp_path):
    pyproject(tmp_path, 'ignore = ["KG1"]\n')
    inner = tmp_path / "inner"
    write(inner, "pyproject.toml", "[project]\nname = 'inner'\n")
    config = load_config(inner / "file.py")
    assert config.root == inner
    assert config.ignore == ()  # the inner project has no [tool.kgraphlint]


@pytest.mark.parametrize(
    "body, message",
    [
        ("selct = ['KG1']\n", "unknown key 'selct'"),
        ("select = 'KG1'\nfail-on = 'fatal'\n", "fail-on must be one of"),
        ("select = [1]\n", "expected a list of rule codes"),
        ("select = ['E501']\n", "'E501' is not a rule code"),
        ("exclude = 'build'\n", "exclude: expected a list of strings, got a string"),
        ("per-file-ignores = ['a']\n", "per-file-ignores: expected a table"),
        ("trace = 3\n", "'trace' must be a table"),
        ("[tool.kgraphlint.trace]\ntimeout = -1\n", "trace.timeout must be a positive number"),
        ("[tool.kgraphlint.trace]\ntimeout = true\n", "trace.timeout must be a positive number"),
        ("[tool.kgraphlint.trace]\ncall = []\n", "unknown key 'trace.call'"),
        ("[tool.kgraphlint.trace]\ntimeout = nan\n", "trace.timeout must be a positive number"),
        ("[tool.kgraphlint.trace]\ntimeout = inf\n", "trace.timeout must be a positive number"),
        ("[tool.kgraphlint.trace]\ntimeout = -inf\n", "trace.timeout must be a positive number"),
        ("[tool.kgraphlint.trace]\nmax-files-per-worker = 0\n", "trace.max-files-per-worker must be a positive whole"),
        ("[tool.kgraphlint.trace]\nmax-worker-memory-mb = 1.5\n", "trace.max-worker-memory-mb must be a positive whole"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_invalid_config_is_a_config_error(tmp_path, body, message):
    pyproject(tmp_path, body)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_config(tmp_path)


def test_select_accepts_comma_string(tmp_path):
    pyproject(tmp_path, "select = 'kg1, KG301'\n")
    assert load_config(tmp_path).select == ("KG1", "KG301")


def test_standalone_config_file(tmp_path):
    path = write(tmp_path, "kgraphlint.toml", 'ignore = ["KG2"]\nfail-on = "error"\n')
    config = load_config_file(path)
    assert config.ignore == ("KG2",) and config.fail_on == "error"
    assert config.root == tmp_path


@pytest.mark.parametrize(
    "relative, patterns, expected",
    [
        ("build/x.py", ["build"], True),
        ("src/build/x.py", ["build"], True),
        ("gen/a_pb2.py", ["*_pb2.py"], True),
        ("tests/unit/test_a.py", ["tests/*"], True),
        ("tests/unit/test_a.py", ["tests"], True),
        ("src/tests.py", ["tests"], False),
        ("src/model.py", ["src/model.py"], True),
        ("src/model.py", ["./src/"], True),
        ("src/model.py", ["other/*"], False),
    ],
)
def test_path_matches(relative, patterns, expected):
    assert path_matches(relative, patterns) is expected


# ----------------------------------------------------------------------
# Through the real CLI


def test_cli_uses_select_ignore_and_fail_on(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "a = WARN_HERE\nb = ERROR_HERE\n")
    pyproject(tmp_path, 'ignore = ["KG992"]\n')
    res = cli("--format", "json", ".", cwd=tmp_path, test_rules=True)
    assert [f["code"] for f in res.json()["findings"]] == ["KG991"]
    pyproject(tmp_path, 'select = ["KG992"]\n')
    assert [f["code"] for f in cli("--format", "json", ".", cwd=tmp_path, test_rules=True).json()["findings"]] == ["KG992"]
    # --select on the command line replaces the configured selection.
    res = cli("--format", "json", "--select", "KG991", ".", cwd=tmp_path, test_rules=True)
    assert [f["code"] for f in res.json()["findings"]] == ["KG991"]
    pyproject(tmp_path, 'fail-on = "error"\nignore = ["KG992"]\n')
    assert cli(".", cwd=tmp_path, test_rules=True).returncode == 0  # only a warning left
    assert cli("--fail-on", "warning", ".", cwd=tmp_path, test_rules=True).returncode == 1


def test_cli_exclude(cli, tmp_path):
    write(tmp_path, "src/m.py", HEADER + "a = WARN_HERE\n")
    write(tmp_path, "generated/g.py", HEADER + "a = WARN_HERE\n")
    write(tmp_path, "src/x_pb2.py", HEADER + "a = WARN_HERE\n")
    pyproject(tmp_path, 'exclude = ["generated", "*_pb2.py"]\n')
    data = cli("--format", "json", ".", cwd=tmp_path, test_rules=True).json()
    assert [f["path"] for f in data["findings"]] == ["src/m.py"]
    assert data["files_checked"] == 1
    # A file named explicitly is checked even when excluded (pre-commit passes names).
    data = cli("--format", "json", "generated/g.py", cwd=tmp_path, test_rules=True).json()
    assert [f["path"] for f in data["findings"]] == ["generated/g.py"]


def test_cli_per_file_ignores(cli, tmp_path):
    write(tmp_path, "tests/test_m.py", HEADER + "a = WARN_HERE\nb = ERROR_HERE\n")
    write(tmp_path, "src/m.py", HEADER + "a = WARN_HERE\n")
    pyproject(tmp_path, '[tool.kgraphlint.per-file-ignores]\n"tests/*" = ["KG991"]\n')
    data = cli("--format", "json", ".", cwd=tmp_path, test_rules=True).json()
    assert [(f["path"], f["code"]) for f in data["findings"]] == [("src/m.py", "KG991"), ("tests/test_m.py", "KG992")]
    # Paths are matched relative to the project root, whatever the working directory.
    data = cli("--format", "json", "test_m.py", cwd=tmp_path / "tests", test_rules=True).json()
    assert [f["code"] for f in data["findings"]] == ["KG992"]


@pytest.mark.parametrize("body", ["selct = ['KG1']\n", "select = [\n", "fail-on = 3\n"])
def test_cli_bad_config_is_one_line_usage_error(cli, tmp_path, body):
    write(tmp_path, "m.py", "x = 1\n")
    pyproject(tmp_path, body)
    res = cli("m.py", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert res.stderr.startswith("kgraphlint: ") and "Traceback" not in res.stderr


def test_cli_config_option(cli, tmp_path):
    write(tmp_path, "m.py", HEADER + "a = WARN_HERE\nb = ERROR_HERE\n")
    write(tmp_path, "conf/lint.toml", 'ignore = ["KG991"]\n')
    data = cli("--format", "json", "--config", "conf/lint.toml", "m.py", cwd=tmp_path, test_rules=True).json()
    assert [f["code"] for f in data["findings"]] == ["KG992"]
    missing = cli("--config", "nope.toml", "m.py", cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read config file nope.toml" in missing.stderr


def test_cli_per_file_ignores_through_a_symlinked_project(cli, tmp_path):
    real = tmp_path / "real"
    write(real, "tests/test_m.py", HEADER + "a = WARN_HERE\nb = ERROR_HERE\n")
    pyproject(real, '[tool.kgraphlint.per-file-ignores]\n"tests/*" = ["KG991"]\n')
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    for arg, cwd in [(str(link / "tests" / "test_m.py"), tmp_path), ("tests", link), (str(link), tmp_path)]:
        data = cli("--format", "json", "--no-cache", arg, cwd=cwd, test_rules=True).json()
        assert [f["code"] for f in data["findings"]] == ["KG992"], arg
