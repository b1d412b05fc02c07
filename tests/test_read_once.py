"""Each file is read (opened) once per run, whichever stages need it.

Analysis, imported helper modules, the byte pre-filter of files that never
name Keras, suppression comments, every report format (code frames, SARIF
and GitHub notebook positions) and ``--diff`` share the run's decoded
sources (:mod:`kgraphlint.sources`).  Counted with an audit hook on "open",
which sees every way of opening a file (``open``, ``os.open``), so a stage
that went back to the disk by any route would show up here.
"""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

import nbformat
import pytest

from kgraphlint.lint import lint_paths
from kgraphlint.rules import all_rules

# The hook cannot be removed once added: it records only while a test asks.
_OPENED: Optional[Counter] = None


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _OPENED is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if path.endswith((".py", ".ipynb")):
            _OPENED[os.path.realpath(path)] += 1


sys.addaudithook(_audit)


def _under(opened: Counter, root: Path) -> Counter:
    """The project's files among those opened (kgraphlint's own modules load too)."""
    prefix = os.path.join(os.path.realpath(root), "")
    return Counter({path: n for path, n in opened.items() if path.startswith(prefix)})


BLOCKS = '''\
"""Model pieces shared by the training scripts."""
import keras
from keras import layers


def classifier(num_classes=10):
    image = keras.Input(shape=(28, 28, 1), name="image")
    extra = keras.Input(shape=(4,), name="extra")
    x = layers.Flatten()(image)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs=[image, extra], outputs=outputs)  # kgraphlint: ignore[KG102]


def regressor():
    inputs = keras.Input(shape=(8,))
    unused = keras.Input(shape=(2,))
    hidden = layers.Dense(16)(inputs)
    return keras.Model([inputs, unused], layers.Dense(1)(hidden))
'''

TRAIN = '''\
import numpy as np
from pkg.blocks import classifier, regressor

model = classifier()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit_generator(iter([]), steps_per_epoch=1)  # noqa: KG402
reg = regressor()
reg.compile(optimizer="adam", loss="mse")
reg.fit_generator(iter([]), steps_per_epoch=1)
'''

# Never names Keras: the pre-filter follows its import to pkg/blocks.py.
RUN = '''\
"""Entry point."""
from pkg import blocks

if __name__ == "__main__":
    blocks.regressor().summary()
'''


def _project(root: Path) -> list[Path]:
    (root / "pkg").mkdir()
    files = {
        "pkg/__init__.py": "",
        "pkg/blocks.py": BLOCKS,
        "train.py": TRAIN,
        "run.py": RUN,
    }
    for name, text in files.items():
        (root / name).write_text(text)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Explore the inputs"),
        nbformat.v4.new_code_cell("import keras\nfrom keras import layers\n%matplotlib inline"),
        nbformat.v4.new_code_cell(
            "inp = keras.Input((3,))\nside = keras.Input((2,))\nout = layers.Dense(1)(inp)\n"
            "model = keras.Model([inp, side], out)\nmodel.fit_generator(iter([]))"
        ),
        nbformat.v4.new_code_cell("aux = keras.Input((5,))\nm2 = keras.Model([aux, inp], layers.Dense(2)(inp))  # noqa"),
    ]
    nbformat.write(notebook, str(root / "explore.ipynb"))
    return [root / name for name in files] + [root / "explore.ipynb"]


def _render_all(result) -> None:
    from kgraphlint.report import github, json_report, rich_report, sarif, text

    rules = all_rules()
    for module in (rich_report, text, json_report, sarif, github):
        module.render(result, io.StringIO(), rules)


@pytest.mark.parametrize("use_cache", [False, True])
def test_each_file_is_opened_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool) -> None:
    global _OPENED
    files = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    runs = 2 if use_cache else 1  # the second run is served from the cache
    for _ in range(runs):
        _OPENED = Counter()
        try:
            result = lint_paths(["."], use_cache=use_cache, jobs=1)
            _render_all(result)
        finally:
            opened, _OPENED = _OPENED, None
        # The run did its work: findings in the helper, the script and the
        # notebook, the suppressed ones gone.
        found = sorted((f.path, f.code, f.line) for f in result.findings)
        assert found == [
            ("explore.ipynb", "KG102", 4),
            ("explore.ipynb", "KG402", 5),
            (os.path.join("pkg", "blocks.py"), "KG102", 19),
            ("train.py", "KG402", 9),
        ]
        assert result.files_checked == len(files)
        assert _under(opened, tmp_path) == Counter({os.path.realpath(p): 1 for p in files})


def test_diff_reads_a_fixed_file_again_only_to_check_it_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    global _OPENED
    files = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    from kgraphlint.fixes import fixed_texts, notebook_fixes

    _OPENED = Counter()
    try:
        result = lint_paths(["."], use_cache=False, jobs=1)
        train = [f for f in result.findings if f.path == "train.py"]
        notebook = [f for f in result.findings if f.path == "explore.ipynb"]
        texts = fixed_texts("train.py", train, write=False, sources=result.sources)
        changes = notebook_fixes("explore.ipynb", notebook, write=False, sources=result.sources)
    finally:
        opened, _OPENED = _OPENED, None
    assert texts is not None and texts[1].endswith("reg.fit(iter([]), steps_per_epoch=1)\n")
    assert changes is not None and "model.fit(iter([]))" in changes.cells[2][1]
    checked_again = {os.path.realpath(tmp_path / "train.py"), os.path.realpath(tmp_path / "explore.ipynb")}
    assert _under(opened, tmp_path) == Counter({os.path.realpath(p): 2 if os.path.realpath(p) in checked_again else 1 for p in files})


def test_a_run_decodes_and_tokenizes_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding, reading the notebook JSON and finding suppression comments
    happen once per file, shared by analysis, suppressions and the reports."""
    import kgraphlint.notebook as notebook_module
    import kgraphlint.static.parse as parse
    import kgraphlint.suppress as suppress

    files = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    calls: Counter = Counter()

    def counting(module, name):
        real = getattr(module, name)

        def wrapper(argument, *args, **kwargs):
            calls[(name, argument)] += 1
            return real(argument, *args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(parse, "decode_source")
    counting(notebook_module, "read_notebook")
    counting(suppress, "comment_suppressions")
    result = lint_paths(["."], use_cache=False, jobs=1)
    _render_all(result)
    assert len(result.findings) == 4
    assert calls and set(calls.values()) == {1}, calls
    by_kind = Counter(name for name, _ in calls)
    python_files = [p for p in files if p.suffix == ".py"]
    assert by_kind["decode_source"] == len(python_files)
    assert by_kind["read_notebook"] == 1
    # Comments are looked for in the files with findings and a "#".
    assert by_kind["comment_suppressions"] == 3


@pytest.mark.slow
def test_a_traced_run_opens_each_file_once_in_the_linter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--trace: the worker gets the analysed text of a .py file with the
    request, and the trace findings' suppressions use the run's sources."""
    global _OPENED
    files = _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    _OPENED = Counter()
    try:
        result = lint_paths(["."], trace=True, use_cache=False, jobs=1)
        _render_all(result)
    finally:
        opened, _OPENED = _OPENED, None
    assert result.files_traced
    assert _under(opened, tmp_path) == Counter({os.path.realpath(p): 1 for p in files})
