"""Bad input never crashes a run: KG900 or an ``errors`` entry, and every other file
is still checked.  Through the real CLI, and through the pipeline for the
rule's own samples."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import write
from kgraphlint.lint import MAX_FILE_BYTES, lint_source
from kgraphlint.rules import all_rules
from kgraphlint.rules.base import expected_lines

HEADER = "import keras\n\n"
GOOD = HEADER + "WARN_HERE = keras.Input((3,))\n"


def run_json(cli, tmp_path, *args):
    res = cli("--format", "json", "--no-cache", *args, cwd=tmp_path, test_rules=True)
    assert "Traceback" not in res.output
    return res, res.json()


def assert_good_file_checked(data):
    assert ("good.py", "KG991") in {(f["path"], f["code"]) for f in data["findings"]}


def test_syntax_error_is_kg900_and_other_files_are_checked(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    write(tmp_path, "bad.py", HEADER + "def build(:\n    pass\n")
    res, data = run_json(cli, tmp_path, ".")
    assert res.returncode == 1
    (kg900,) = [f for f in data["findings"] if f["code"] == "KG900"]
    assert (kg900["path"], kg900["line"], kg900["severity"]) == ("bad.py", 3, "error")
    assert kg900["message"].startswith("Syntax error")
    assert_good_file_checked(data)
    assert data["files_checked"] == 2


def test_unclosed_bracket_points_at_the_bracket(cli, tmp_path):
    write(tmp_path, "bad.py", HEADER + "x = keras.Input(shape=(8,)\ny = 1\n")
    res = cli("--format", "text", "bad.py", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stdout.startswith("bad.py:3:16: KG900 [error] Syntax error: '(' was never closed.")


def test_undecodable_bytes(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    (tmp_path / "latin.py").write_bytes(b"import keras\nname = '\xe9t\xe9'\n")
    _, data = run_json(cli, tmp_path, ".")
    (kg900,) = [f for f in data["findings"] if f["code"] == "KG900"]
    assert (kg900["path"], kg900["line"], kg900["column"]) == ("latin.py", 2, 9)
    assert kg900["message"] == "Cannot decode file as utf-8: invalid byte 0xe9."
    assert_good_file_checked(data)


def test_coding_cookie_and_bom_are_honoured(cli, tmp_path):
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport keras\nWARN_HERE = '\xe9'\n")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfimport keras\nWARN_HERE = 1\n")
    (tmp_path / "crlf.py").write_bytes(b"import keras\r\n\r\nx = 1\r\nWARN_HERE = 1\r\n")
    _, data = run_json(cli, tmp_path, ".")
    assert [(f["path"], f["code"], f["line"], f["column"]) for f in data["findings"]] == [
        ("bom.py", "KG991", 2, 1),
        ("crlf.py", "KG991", 4, 1),
        ("latin.py", "KG991", 3, 1),
    ]


def test_unknown_encoding_cookie(cli, tmp_path):
    (tmp_path / "bad.py").write_bytes(b"# coding: klingon\nimport keras\n")
    _, data = run_json(cli, tmp_path, ".")
    (kg900,) = data["findings"]
    assert kg900["code"] == "KG900" and "unknown encoding" in kg900["message"]


def test_empty_and_whitespace_files(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "blank.py").write_bytes(b"\n\n   \n")
    _, data = run_json(cli, tmp_path, ".")
    assert data["files_checked"] == 3
    assert [f["path"] for f in data["findings"]] == ["good.py"]
    assert data["errors"] == []


def test_binary_file_with_nul_bytes(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    (tmp_path / "blob.py").write_bytes(b"keras\x00\x01\x02\xff\xfe" * 100)
    _, data = run_json(cli, tmp_path, ".")
    (kg900,) = [f for f in data["findings"] if f["code"] == "KG900"]
    assert kg900["path"] == "blob.py" and "NUL bytes" in kg900["message"]
    assert_good_file_checked(data)


def test_files_that_never_mention_keras_still_get_kg900(cli, tmp_path):
    # No Keras marker: only compiled by CPython (no libcst parse), yet a
    # syntax error is reported like anywhere else (KG900 is for every file).
    (tmp_path / "other.py").write_bytes(b"def broken(:\n")
    (tmp_path / "fine.py").write_bytes(b"def fine():\n    return '\\d'\n")  # a SyntaxWarning is not ours to print
    write(tmp_path, "good.py", GOOD)
    res, data = run_json(cli, tmp_path, ".")
    assert data["files_checked"] == 3
    assert [(f["path"], f["code"], f["line"]) for f in data["findings"]] == [("good.py", "KG991", 3), ("other.py", "KG900", 1)]
    assert data["findings"][1]["message"].startswith("Syntax error")
    assert res.stderr == ""


def test_directory_named_py(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    write(tmp_path, "pkg.py/inner.py", GOOD)
    (tmp_path / "empty.py").mkdir()
    _, data = run_json(cli, tmp_path, ".")
    assert sorted(f["path"] for f in data["findings"]) == ["good.py", "pkg.py/inner.py"]
    _, data = run_json(cli, tmp_path, "empty.py", "good.py")
    assert data["files_checked"] == 1 and data["errors"] == []


def test_broken_symlink(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    os.symlink(tmp_path / "missing.py", tmp_path / "link.py")
    res, data = run_json(cli, tmp_path, ".")
    assert data["errors"] == [{"path": "link.py", "message": "broken symbolic link"}]
    assert_good_file_checked(data)
    assert res.returncode == 1
    # Named explicitly, it is the same errors entry, not "no such file".
    _, data = run_json(cli, tmp_path, "link.py", "good.py")
    assert data["errors"] == [{"path": "link.py", "message": "broken symbolic link"}]


def test_symlink_loop_and_fifo(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    os.symlink(tmp_path / "loop.py", tmp_path / "loop.py")
    os.mkfifo(tmp_path / "pipe.py")
    _, data = run_json(cli, tmp_path, ".")
    errors = {e["path"]: e["message"] for e in data["errors"]}
    assert errors["pipe.py"] == "not a regular file"
    assert errors["loop.py"] == "cannot read file: Too many levels of symbolic links"
    assert_good_file_checked(data)


# Root reads any file; dropping the capabilities that let it bypass file
# permissions makes a chmod 000 file really unreadable for the CLI.
DROP_DAC = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


def test_unreadable_file(cli, tmp_path):
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot block reads")
        prefix = DROP_DAC
    write(tmp_path, "good.py", GOOD)
    secret = write(tmp_path, "secret.py", GOOD)
    secret.chmod(0)
    try:
        res = cli("--format", "json", "--no-cache", ".", cwd=tmp_path, test_rules=True, prefix=prefix)
    finally:
        secret.chmod(0o644)
    assert "Traceback" not in res.output
    data = res.json()
    assert data["errors"] == [{"path": "secret.py", "message": "cannot read file: Permission denied"}]
    assert_good_file_checked(data)
    assert res.returncode == 1


def test_unlistable_directory(cli, tmp_path):
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot block reads")
        prefix = DROP_DAC
    write(tmp_path, "good.py", GOOD)
    write(tmp_path, "locked/inner.py", GOOD)
    (tmp_path / "locked").chmod(0)
    try:
        res = cli("--format", "json", "--no-cache", ".", cwd=tmp_path, test_rules=True, prefix=prefix)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert "Traceback" not in res.output
    data = res.json()
    assert data["errors"] == [{"path": "locked", "message": "cannot list directory: Permission denied"}]
    assert_good_file_checked(data)


def test_path_through_a_file_does_not_exist(cli, tmp_path):
    # "x.py/y.py" where x.py is a regular file.
    write(tmp_path, "good.py", GOOD)
    write(tmp_path, "x.py", GOOD)
    res = cli("--format", "json", "x.py/y.py", "good.py", cwd=tmp_path, test_rules=True)
    assert res.returncode == 2  # a path that does not exist is a usage error
    assert res.stderr.strip() == "kgraphlint: x.py/y.py: no such file or directory"


def test_huge_file_is_a_skipped_entry(cli, tmp_path):
    # Not an error in the file (a limit of ours): listed as skipped, not counted
    # as checked, and the run does not fail for it.
    write(tmp_path, "good.py", "import keras\n")
    (tmp_path / "huge.py").write_bytes(b"import keras\n" + b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1))
    res, data = run_json(cli, tmp_path, ".")
    assert data["errors"] == []
    reason = f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
    assert data["skipped"] == [{"path": "huge.py", "stage": "check", "reason": reason}]
    assert data["files_checked"] == 1
    assert res.returncode == 0


def test_missing_path_is_a_usage_error(cli, tmp_path):
    write(tmp_path, "good.py", GOOD)
    res = cli("good.py", "nope/", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr == "kgraphlint: nope/: no such file or directory\n"


def test_deeply_nested_expressions_do_not_crash_the_parser(cli, tmp_path):
    # libcst's native parser overflows its stack on these (a segfault that
    # would end the run); CPython's limits catch them first.
    write(tmp_path, "good.py", GOOD)
    write(tmp_path, "deep.py", HEADER + "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    write(tmp_path, "chain.py", HEADER + "x = (" + "1+\n" * 12000 + "1)\n")
    _, data = run_json(cli, tmp_path, ".")
    messages = {f["path"]: f["message"] for f in data["findings"] if f["code"] == "KG900"}
    assert messages == {
        "deep.py": "Syntax error: too many nested parentheses.",
        "chain.py": "File is too deeply nested to parse.",
    }
    assert_good_file_checked(data)


# ----------------------------------------------------------------------
# KG900's own samples go through the pipeline (the generic sample test skips
# rules with sample_kind = "unparsable").


def test_kg900_samples_through_the_pipeline():
    rule = all_rules()["KG900"]
    assert rule.sample_kind == "unparsable"
    for sample in rule.VALID:
        findings, errors = lint_source("sample.py", sample.encode())
        assert [f for f in findings if f.code == "KG900"] == [] and errors == []
    for sample in rule.INVALID:
        findings, errors = lint_source("sample.py", sample.encode())
        assert [f.line for f in findings if f.code == "KG900"] == expected_lines(sample)
        assert errors == []
