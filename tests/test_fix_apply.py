"""Applying autofixes: positions, overlaps, encodings, atomic writes, idempotence."""

from __future__ import annotations

import os
import stat

import pytest

from conftest import needs_engine, write
from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.fixes import FixError, apply_fixes, fixed_text


def finding(path: str, *edits: Edit, line: int = 1) -> Finding:
    return Finding("KG401", "private-keras-api", "error", path, line, 1, line, 2, "m", "", fix=Fix("fix it", list(edits)))


def test_single_edit_columns_are_one_based_end_exclusive():
    assert fixed_text("from keras.engine import x\n", [Fix("", [Edit(1, 6, 1, 18, "keras")])]) == "from keras import x\n"


def test_edits_apply_bottom_up():
    text = "a = old(1)\nb = old(2)\n"
    fixes = [Fix("", [Edit(1, 5, 1, 8, "newer")]), Fix("", [Edit(2, 5, 2, 8, "n")])]
    assert fixed_text(text, fixes) == "a = newer(1)\nb = n(2)\n"
    # Several edits of one fix on one line, given in any order.
    fix = Fix("", [Edit(1, 9, 1, 10, "x"), Edit(1, 1, 1, 2, "A")])
    assert fixed_text("abcdefghij\n", [fix]) == "Abcdefghxj\n"


def test_overlapping_fix_is_skipped_whole():
    text = "model.fit_generator(gen, lr=1)\n"
    first = Fix("", [Edit(1, 7, 1, 20, "fit")])
    overlapping = Fix("", [Edit(1, 10, 1, 15, "XXX"), Edit(1, 26, 1, 28, "learning_rate")])
    assert fixed_text(text, [first, overlapping]) == "model.fit(gen, lr=1)\n"


def test_insertions_and_multiline_edits():
    text = "x = f(\n    a,\n    b,\n)\ny = 1\n"
    fix = Fix("", [Edit(1, 5, 4, 2, "g(a, b)")])
    assert fixed_text(text, [fix]) == "x = g(a, b)\ny = 1\n"
    assert fixed_text("ab\n", [Fix("", [Edit(1, 2, 1, 2, "X")])]) == "aXb\n"


def test_out_of_range_edits_are_skipped():
    text = "a = 1\n"
    assert fixed_text(text, [Fix("", [Edit(5, 1, 5, 2, "x")])]) == text
    assert fixed_text(text, [Fix("", [Edit(1, 40, 1, 41, "x")])]) == text
    assert fixed_text(text, [Fix("", [Edit(1, 3, 1, 1, "x")])]) == text  # end before start


def test_crlf_line_endings_are_kept():
    text = "a = 1\r\nb = old\r\nc = 3\r\n"
    assert fixed_text(text, [Fix("", [Edit(2, 5, 2, 8, "new")])]) == "a = 1\r\nb = new\r\nc = 3\r\n"


def test_apply_fixes_writes_atomically_keeps_mode_and_is_idempotent(tmp_path):
    path = write(tmp_path, "m.py", "from keras.engine.training import Model\n")
    path.chmod(0o751)
    inode = path.stat().st_ino
    f = finding(str(path), Edit(1, 6, 1, 27, "keras"))
    assert apply_fixes(str(path), [f]) == "from keras import Model\n"
    assert path.read_text() == "from keras import Model\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert path.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]  # no temp file left
    # A stale edit (the file was fixed since) that no longer fits the line is skipped.
    assert apply_fixes(str(path), [f]) is None
    assert path.read_text() == "from keras import Model\n"


def test_write_false_changes_nothing(tmp_path):
    path = write(tmp_path, "m.py", "x = old\n")
    assert apply_fixes(str(path), [finding(str(path), Edit(1, 5, 1, 8, "new"))], write=False) == "x = new\n"
    assert path.read_text() == "x = old\n"


def test_only_findings_of_that_path_and_with_fixes(tmp_path):
    path = write(tmp_path, "m.py", "x = old\n")
    other = finding("other.py", Edit(1, 1, 1, 2, "zzz"))
    nofix = Finding("KG101", "d", "error", str(path), 1, 1, 1, 2, "m")
    assert apply_fixes(str(path), [other, nofix]) is None
    assert path.read_text() == "x = old\n"


def test_fix_that_breaks_the_syntax_is_refused(tmp_path):
    path = write(tmp_path, "m.py", "x = f(1)\n")
    with pytest.raises(FixError, match="would produce invalid Python"):
        apply_fixes(str(path), [finding(str(path), Edit(1, 6, 1, 7, "(("))])
    assert path.read_text() == "x = f(1)\n"


def test_encoding_and_bom_are_preserved(tmp_path):
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9'\nx = old\n")
    apply_fixes(str(latin), [finding(str(latin), Edit(3, 5, 3, 8, "new"))])
    assert latin.read_bytes() == b"# -*- coding: latin-1 -*-\nname = '\xe9'\nx = new\n"
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfx = old\r\n")
    apply_fixes(str(bom), [finding(str(bom), Edit(1, 5, 1, 8, "new"))])
    assert bom.read_bytes() == b"\xef\xbb\xbfx = new\r\n"


def test_symlinked_file_is_fixed_through_the_link(tmp_path):
    real = write(tmp_path, "real.py", "x = old\n")
    link = tmp_path / "link.py"
    os.symlink(real, link)
    apply_fixes(str(link), [finding(str(link), Edit(1, 5, 1, 8, "new"))])
    assert link.is_symlink()
    assert real.read_text() == "x = new\n"


def test_unreadable_target_is_a_fix_error(tmp_path):
    missing = str(tmp_path / "gone.py")
    with pytest.raises(FixError, match="cannot read file"):
        apply_fixes(missing, [finding(missing, Edit(1, 1, 1, 2, "x"))])


@needs_engine
def test_cli_fix_with_real_rules(cli, tmp_path):
    path = write(
        tmp_path,
        "train.py",
        """\
        from keras.engine.training import Model
        import keras

        def build():
            inp = keras.Input((4,))
            return Model(inp, keras.layers.Dense(2)(inp))
        """,
    )
    before = cli("--format", "json", "--no-cache", "train.py", cwd=tmp_path).json()
    fixable = [f for f in before["findings"] if f["fix"]]
    if not fixable:
        pytest.skip("no rule offers a fix for this sample yet")
    res = cli("--fix", "train.py", cwd=tmp_path)
    assert "Fixed train.py" in res.stderr
    after_text = path.read_text()
    assert "keras.engine" not in after_text
    again = cli("--fix", "train.py", cwd=tmp_path)
    assert "Fixed" not in again.stderr and path.read_text() == after_text
    assert cli("--diff", "train.py", cwd=tmp_path).returncode == 0
