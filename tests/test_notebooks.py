"""Jupyter notebooks, end to end: real notebooks written with nbformat, the real CLI.

The notebooks are written the way people write them in Colab and Kaggle:
imports in the first cell, data loading next, markdown between, the model in
its own cell, training after it, magics and shell lines, a cell left broken.
Positions are checked as cell number (code cells, from 1) and line in the cell.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from kgraphlint.notebook import CellMap, mask_cell, read_notebook, replace_sources

pytest_plugins = ["pytester"]

# --------------------------------------------------------------------------
# Notebooks

IMPORTS = """\
%matplotlib inline
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.optimizers import Adam"""

LOADING = """\
!pip install -q kaggle
train = pd.read_csv("../input/digit-recognizer/train.csv")
y = train.pop("label").values
x = train.values.reshape(-1, 28, 28, 1) / 255.0
x.shape?"""

MODEL = """\
image = keras.Input(shape=(28, 28, 1), name="image")
extra = keras.Input(shape=(3,), name="extra")
h = layers.Conv2D(32, 3, activation="relu")(image)
h = layers.MaxPooling2D()(h)
h = layers.Flatten()(h)
dropout = layers.Dropout(0.5)
out = layers.Dense(10, activation="softmax")(h)
model = keras.Model(inputs=[image, extra], outputs=out)
model.summary()"""

COMPILE = """\
%%time
model.compile(optimizer=Adam(lr=1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])"""

TRAIN = """\
datagen = keras.preprocessing.image.ImageDataGenerator(rotation_range=10)
history = model.fit_generator(datagen.flow(x, y, batch_size=64), epochs=5)
plt.plot(history.history["loss"])"""

BROKEN = """\
preds = model.predict(x_test
"""

BASH = """\
%%bash
ls -la ../input
echo "model trained: it's done\""""


def buggy_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Digit recognizer\nA CNN on the Kaggle MNIST data."),
            new_code_cell(IMPORTS, execution_count=1),
            new_code_cell(LOADING, execution_count=2, outputs=[new_output("stream", text="(42000, 28, 28, 1)\n")]),
            new_markdown_cell("## The model"),
            new_code_cell(MODEL, execution_count=3),
            new_code_cell(COMPILE, execution_count=4, outputs=[new_output("stream", text="Wall time: 12 ms\n")]),
            new_raw_cell("raw text: model = keras.Model(extra, out)"),
            new_code_cell(
                TRAIN,
                execution_count=5,
                outputs=[
                    new_output("error", ename="AttributeError", evalue="'Functional' object has no attribute 'fit_generator'", traceback=["..."]),
                ],
            ),
            new_code_cell(BROKEN, execution_count=None),
            new_code_cell(BASH),
        ],
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.10.12"},
        },
    )
    return nb


CLEAN_MODEL = """\
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)"""


def clean_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_code_cell("import keras\nfrom keras import layers\n%load_ext tensorboard"),
            new_markdown_cell("Model:"),
            new_code_cell(CLEAN_MODEL),
            new_code_cell('%%capture\nmodel.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")'),
            new_code_cell("%time history = model.fit(x_train, y_train, epochs=1)\n!nvidia-smi\nfiles = !ls\nmodel?"),
        ],
        metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    )


def write_notebook(path: Path, nb: nbformat.NotebookNode) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def by_code(findings: list[dict]) -> list[tuple[str, int, int]]:
    return sorted((f["code"], f["cell"], f["line"]) for f in findings)


# --------------------------------------------------------------------------
# Conversion (no subprocess)


def test_magics_are_masked_and_lines_kept():
    source = "%matplotlib inline\n!pip install x\nimport keras\nfiles = !ls\nkeras?\n??keras\nfor i in range(2):\n    !echo $i\n%time y = f(1)"
    masked = mask_cell(source).split("\n")
    assert len(masked) == len(source.split("\n"))
    assert masked[0] == "pass" and masked[1] == "pass"
    assert masked[2] == "import keras"
    assert masked[3] == "files = []"
    assert masked[4] == "pass" and masked[5] == "pass"
    assert masked[7] == "    pass"
    # The statement after %time stays analysed, at its own column.
    assert masked[8].endswith("y = f(1)") and masked[8].index("y") == source.split("\n")[8].index("y")
    compile("\n".join(masked), "<cell>", "exec")


def test_cell_magics():
    assert mask_cell("%%bash\nls -la\nif [ 1 ]; then echo; fi") == "\n\n"
    assert mask_cell("%%writefile model.py\nimport keras\n") == "\n\n"
    assert mask_cell("\n%%time\nx = 1\n") == "\n\nx = 1\n"
    assert mask_cell("%%capture out\nmodel.fit(x)") == "\nmodel.fit(x)"


def test_escapes_inside_strings_and_brackets_stay():
    source = 'doc = """\n!not a shell line\n%not a magic\n"""\nx = f(\n    a,\n)\nget_ipython().run_line_magic("matplotlib", "inline")'
    assert mask_cell(source) == source


def test_cells_are_one_program_numbered_like_jupyter():
    nb = read_notebook(nbformat.writes(buggy_notebook()).encode())
    numbers = [c.number for c in nb.cells.cells]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # markdown and raw cells not counted
    model_cell = nb.cells.cell(3)
    assert model_cell is not None and model_cell.source == MODEL
    assert nb.cells.locate(model_cell.start + 7) == (3, 8)
    assert nb.cells.program_line(3, 8) == model_cell.start + 7
    assert nb.cells.cell(6).syntax_error is not None  # the broken cell, left out
    assert "model.predict" not in nb.program
    compile(nb.program, "nb", "exec")


def test_locate_outside_cells():
    assert CellMap().locate(3) is None


def test_replace_sources_keeps_everything_else():
    text = nbformat.writes(buggy_notebook())
    data = text.encode()
    new = replace_sources(data, {4: COMPILE.replace("lr=", "learning_rate=")})
    old_doc, new_doc = json.loads(data), json.loads(new)
    assert new_doc["cells"][5]["source"] == [line for line in COMPILE.replace("lr=", "learning_rate=").splitlines(True)]
    for i, (a, b) in enumerate(zip(old_doc["cells"], new_doc["cells"])):
        if i != 5:
            assert a == b
    old_lines, new_lines = text.splitlines(), new.decode().splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert len(old_lines) == len(new_lines) and len(changed) == 1


def test_replace_sources_string_form():
    doc = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None, "outputs": [], "source": "x = 1\ny = 2"}]}
    data = (json.dumps(doc, indent=2) + "\n").encode()
    new = replace_sources(data, {1: "x = 1\ny = 3"})
    assert json.loads(new)["cells"][0]["source"] == "x = 1\ny = 3"
    assert new == data.replace(b"y = 2", b"y = 3")


# --------------------------------------------------------------------------
# The CLI on real notebooks


def test_buggy_notebook_findings_by_cell(cli, tmp_path):
    write_notebook(tmp_path / "digits.ipynb", buggy_notebook())
    res = cli("--format", "json", "--no-cache", "digits.ipynb", cwd=tmp_path)
    assert res.returncode == 1, res.output
    data = res.json()
    assert data["errors"] == []
    found = by_code(data["findings"])
    assert ("KG102", 3, 8) in found  # extra is not used (model cell, line 8)
    assert ("KG203", 3, 6) in found  # dropout created, never called
    assert ("KG402", 4, 2) in found  # Adam(lr=...) under %%time
    assert ("KG402", 5, 2) in found  # fit_generator in the training cell
    assert ("KG900", 6, 1) in found  # the cell left broken
    assert len(found) == 5, found
    unused = next(f for f in data["findings"] if f["code"] == "KG102")
    assert unused["related"][0]["cell"] == 3 and unused["related"][0]["line"] == 2
    assert list(unused)[:5] == ["code", "name", "severity", "path", "cell"]
    fix = next(f for f in data["findings"] if f["code"] == "KG402" and f["cell"] == 4)["fix"]
    assert fix["edits"][0]["cell"] == 4


def test_text_and_rich_locations(cli, tmp_path):
    write_notebook(tmp_path / "digits.ipynb", buggy_notebook())
    text = cli("--format", "text", "--no-cache", "digits.ipynb", cwd=tmp_path).stdout
    assert "digits.ipynb:cell 3:8:9: KG102 [warning] Input `extra`" in text
    assert "note: digits.ipynb:cell 3:2:9: Input `extra` is defined here" in text
    assert "digits.ipynb:cell 5:2:11: KG402" in text
    rich = cli("--format", "rich", "--no-cache", "digits.ipynb", cwd=tmp_path).stdout
    assert "--> digits.ipynb:cell 3:8:9" in rich
    # The code frame is the cell's own line 8, not line 8 of the JSON file.
    assert "8 | model = keras.Model(inputs=[image, extra], outputs=out)" in rich
    assert "2 | extra = keras.Input(shape=(3,), name=\"extra\")" in rich


def test_sarif_and_github_point_into_the_notebook_file(cli, tmp_path):
    path = write_notebook(tmp_path / "digits.ipynb", buggy_notebook())
    file_lines = path.read_text().splitlines()
    sarif = cli("--format", "sarif", "--no-cache", "digits.ipynb", cwd=tmp_path).json()
    results = sarif["runs"][0]["results"]
    unused = next(r for r in results if r["ruleId"] == "KG102")
    assert unused["message"]["text"].startswith("cell 3:8:9: ")
    assert unused["properties"]["cell"] == 3 and unused["properties"]["cellLine"] == 8
    assert unused["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "digits.ipynb:cell 3"
    physical = unused["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "digits.ipynb"
    region = physical["region"]
    line = file_lines[region["startLine"] - 1]
    assert "model = keras.Model(inputs=[image, extra], outputs=out)" in line
    assert line[region["startColumn"] - 1:].startswith("keras.Model(")
    related = unused["relatedLocations"][0]
    assert "extra = keras.Input" in file_lines[related["physicalLocation"]["region"]["startLine"] - 1]
    # The SARIF fix edits the .ipynb text itself and keeps it valid JSON.
    lr = next(r for r in results if r["ruleId"] == "KG402" and r["properties"]["cell"] == 4)
    change = lr["fixes"][0]["artifactChanges"][0]["replacements"][0]
    region = change["deletedRegion"]
    row = file_lines[region["startLine"] - 1]
    assert row[region["startColumn"] - 1:region["endColumn"] - 1] == "lr"
    github = cli("--format", "github", "--no-cache", "digits.ipynb", cwd=tmp_path).stdout
    annotation = next(line for line in github.splitlines() if "KG102" in line)
    assert annotation.startswith("::warning file=digits.ipynb,line=")
    assert "::cell 3:8:9: Input `extra`" in annotation


def test_clean_notebook_has_no_findings(cli, tmp_path):
    write_notebook(tmp_path / "clean.ipynb", clean_notebook())
    res = cli("--format", "text", "--no-cache", "clean.ipynb", cwd=tmp_path)
    assert res.returncode == 0, res.output
    assert res.stdout.strip() == "All checks passed: 1 file."


def test_noqa_in_a_cell_and_per_file_ignores(cli, tmp_path):
    nb = buggy_notebook()
    nb.cells[4].source = MODEL.replace("model = keras.Model(inputs=[image, extra], outputs=out)",
                                      "model = keras.Model(inputs=[image, extra], outputs=out)  # noqa: KG102")
    write_notebook(tmp_path / "nbs" / "digits.ipynb", nb)
    found = by_code(cli("--format", "json", "--no-cache", "nbs", cwd=tmp_path).json()["findings"])
    assert "KG102" not in {code for code, _, _ in found} and ("KG203", 3, 6) in found
    (tmp_path / "pyproject.toml").write_text('[tool.kgraphlint.per-file-ignores]\n"nbs/*.ipynb" = ["KG402"]\n')
    found = by_code(cli("--format", "json", "--no-cache", "nbs", cwd=tmp_path).json()["findings"])
    assert {code for code, _, _ in found} == {"KG203", "KG900"}


def test_discovery_finds_notebooks_and_skips_checkpoints(cli, tmp_path):
    write_notebook(tmp_path / "proj" / "a.ipynb", buggy_notebook())
    write_notebook(tmp_path / "proj" / ".ipynb_checkpoints" / "a-checkpoint.ipynb", buggy_notebook())
    write_notebook(tmp_path / "proj" / "drafts" / "old.ipynb", buggy_notebook())
    (tmp_path / "proj" / "m.py").write_text("import keras\n")
    data = cli("--format", "json", "--no-cache", "proj", cwd=tmp_path).json()
    assert data["files_checked"] == 3
    assert {f["path"] for f in data["findings"]} == {os.path.join("proj", "a.ipynb"), os.path.join("proj", "drafts", "old.ipynb")}
    (tmp_path / "pyproject.toml").write_text('[tool.kgraphlint]\nexclude = ["proj/drafts/**"]\n')
    data = cli("--format", "json", "--no-cache", "proj", cwd=tmp_path).json()
    assert {f["path"] for f in data["findings"]} == {os.path.join("proj", "a.ipynb")}


# --------------------------------------------------------------------------
# --fix / --diff


def test_fix_round_trip(cli, tmp_path):
    path = write_notebook(tmp_path / "digits.ipynb", buggy_notebook())
    before = path.read_bytes()
    diff = cli("--diff", "--no-cache", "digits.ipynb", cwd=tmp_path)
    assert diff.returncode == 1
    assert "--- a/digits.ipynb:cell 4\n+++ b/digits.ipynb:cell 4\n" in diff.stdout
    assert "+model.compile(optimizer=Adam(learning_rate=1e-3)" in diff.stdout
    assert "--- a/digits.ipynb:cell 5" in diff.stdout
    assert path.read_bytes() == before
    res = cli("--fix", "--no-cache", "--format", "json", "digits.ipynb", cwd=tmp_path)
    assert "Fixed digits.ipynb" in res.stderr
    after = path.read_bytes()
    fixed = nbformat.read(str(path), as_version=4)
    nbformat.validate(fixed)
    original = buggy_notebook()
    for old, new in zip(original.cells, fixed.cells):
        assert old.get("outputs") == new.get("outputs")
        assert old.get("execution_count") == new.get("execution_count")
        assert old.metadata == new.metadata
    assert "learning_rate=1e-3" in fixed.cells[5].source
    assert "model.fit(datagen.flow" in fixed.cells[7].source
    assert fixed.cells[4].source == MODEL
    # Only the two changed source lines differ in the file.
    changed = [(a, b) for a, b in zip(before.decode().splitlines(), after.decode().splitlines()) if a != b]
    assert len(changed) == 2 and len(before.decode().splitlines()) == len(after.decode().splitlines())
    assert {f["code"] for f in res.json()["findings"]} == {"KG102", "KG203", "KG900"}
    again = cli("--fix", "--no-cache", "digits.ipynb", cwd=tmp_path)
    assert "Fixed" not in again.stderr
    assert path.read_bytes() == after


def test_fix_keeps_unusual_layout(cli, tmp_path):
    # Hand-written JSON: 4-space indent, source as one string, no trailing newline.
    doc = {"cells": [{"cell_type": "code", "execution_count": 3, "metadata": {"tags": ["x"]}, "outputs": [],
                      "source": "from keras.optimizers import Adam\nopt = Adam(lr=0.01)"}],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path = tmp_path / "one.ipynb"
    path.write_text(json.dumps(doc, indent=4))
    cli("--fix", "--no-cache", "one.ipynb", cwd=tmp_path)
    assert path.read_text() == json.dumps(doc, indent=4).replace("lr=0.01", "learning_rate=0.01")


# --------------------------------------------------------------------------
# Bad input: one clear message per file, every other file still checked


# Each mentions keras, to get past the byte scan that skips unrelated files.
META = {"title": "keras"}
BAD = {
    "invalid.ipynb": b'{"cells": [,]} keras',
    "v3.ipynb": json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": META}).encode(),
    "v5.ipynb": json.dumps({"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": META}).encode(),
    "nocells.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": META}).encode(),
    "badsource.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": META, "cells": [
        {"cell_type": "code", "source": 42, "metadata": {}, "outputs": []}]}).encode(),
    "junk.ipynb": bytes(range(256)) * 4 + b"keras",
    "list.ipynb": b'["keras"]',
    "empty.ipynb": b"keras",
}


def test_bad_notebooks(cli, tmp_path):
    for name, data in BAD.items():
        (tmp_path / name).write_bytes(data)
    # A cell source stored as a string (valid nbformat) is read like a list.
    doc = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "import keras\nm = keras.Model(lr=1)\nmodel.fit_generator(g)"}]}
    (tmp_path / "string_source.ipynb").write_text(json.dumps(doc))
    (tmp_path / "ok.py").write_text("import keras\nmodel.fit_generator(g)\n")
    res = cli("--format", "json", "--no-cache", ".", cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.output
    data = res.json()
    kg900 = {f["path"]: f["message"] for f in data["findings"] if f["code"] == "KG900"}
    assert set(kg900) == set(BAD), kg900
    assert "invalid JSON" in kg900["invalid.ipynb"]
    assert "format 3" in kg900["v3.ipynb"] and "nbconvert" in kg900["v3.ipynb"]
    assert "format 5" in kg900["v5.ipynb"]
    assert "cells" in kg900["nocells.ipynb"]
    assert "source" in kg900["badsource.ipynb"]
    assert "UTF-8" in kg900["junk.ipynb"]
    others = {(f["path"], f["code"]) for f in data["findings"] if f["code"] != "KG900"}
    assert ("ok.py", "KG402") in others and ("string_source.ipynb", "KG402") in others
    # --fix never writes a notebook it could not read.
    before = {name: (tmp_path / name).read_bytes() for name in BAD}
    cli("--fix", "--no-cache", ".", cwd=tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in BAD} == before
    assert json.loads((tmp_path / "string_source.ipynb").read_text())["cells"][0]["source"].endswith("model.fit(g)")


def test_huge_notebook_of_outputs(cli, tmp_path):
    nb = clean_notebook()
    blob = "iVBORw0KGgo" * (50 * 1024 * 1024 // 11)  # ~50 MB of base64 "image"
    nb.cells[2].outputs = [new_output("display_data", data={"image/png": blob})]
    nb.cells[2].source = "extra = keras.Input((3,))\n" + CLEAN_MODEL.replace("Model(inputs,", "Model([inputs, extra],")
    path = write_notebook(tmp_path / "big.ipynb", nb)
    assert path.stat().st_size > 50 * 1024 * 1024
    res = cli("--format", "json", "--no-cache", "big.ipynb", cwd=tmp_path)
    assert res.json()["errors"] == []
    assert by_code(res.json()["findings"]) == [("KG102", 2, 6)]


def test_non_python_notebook_is_skipped_not_passed(tmp_path):
    from kgraphlint.lint import lint_paths

    nb = new_notebook(cells=[new_code_cell("library(keras)\nmodel <- keras_model_sequential()")],
                      metadata={"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}})
    write_notebook(tmp_path / "r.ipynb", nb)
    result = lint_paths([str(tmp_path / "r.ipynb")], use_cache=False)
    assert result.findings == [] and result.errors == []
    assert [s.reason for s in result.skipped] == ["not a Python notebook (kernel language: r)"]


# --------------------------------------------------------------------------
# pytest --kgraphlint


def test_pytest_plugin_collects_notebooks(pytester: pytest.Pytester) -> None:
    write_notebook(pytester.path / "digits.ipynb", buggy_notebook())
    write_notebook(pytester.path / "clean.ipynb", clean_notebook())
    result = pytester.runpytest_subprocess("--kgraphlint", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*clean.ipynb::kgraphlint PASSED*", "*digits.ipynb:cell 3:8:9*KG102*"])


# --------------------------------------------------------------------------
# --trace: the cells run in order, in one module, offline and without training

TRACE_MODEL = """\
def branch(t, units):
    return layers.Dense(units, activation="relu")(t)

towers = [keras.Input(shape=(4,), name=f"sensor_{i}") for i in range(3)]
merged = layers.Concatenate()([branch(t, 8) for t in towers[:2]])
model = keras.Model(towers, layers.Dense(1)(merged))"""


@pytest.mark.slow
def test_trace_runs_cells_in_order_and_maps_to_cells(cli, tmp_path):
    nb = new_notebook(
        cells=[
            new_code_cell("%pip install -q tensorflow\nimport numpy as np\nimport keras\nfrom keras import layers"),
            new_markdown_cell("Three sensors, one model."),
            new_code_cell("x = np.zeros((16, 4))\n!ls -la\nget_ipython().run_line_magic('matplotlib', 'inline')"),
            new_code_cell(TRACE_MODEL),
            new_code_cell("%%time\nmodel.compile(optimizer='adam', loss='mse')\nhistory = model.fit([x, x, x], np.zeros(16), epochs=100)"),
            new_code_cell("print(undefined_in_this_notebook)"),  # an error left in
            new_code_cell("model.summary()"),
        ]
    )
    write_notebook(tmp_path / "sensors.ipynb", nb)
    res = cli("--trace", "--format", "json", "--no-cache", "sensors.ipynb", cwd=tmp_path, timeout=600)
    data = res.json()
    assert data["errors"] == [], res.output
    found = {(f["code"], f.get("cell"), f["line"]): f for f in data["findings"]}
    # The unused third sensor is seen at the model's line in cell 3.
    assert ("KG102", 3, 6) in found, found
    assert found[("KG102", 3, 6)]["engine"] in ("trace", "both")
    # The cell that raises is reported at its own cell and line; later cells still ran.
    assert ("KG901", 5, 1) in found, found
    assert all(f.get("cell") for f in data["findings"])


# --------------------------------------------------------------------------
# Kaggle-style transfer learning, book-style autoencoder and GAN

common = [
 new_code_cell("import os\nimport numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras.applications import EfficientNetB0\nfrom tensorflow.keras import layers, models\nprint(tf.__version__)"),
 new_code_cell("IMG = 224\nNUM_CLASSES = 5\ntrain_ds = tf.keras.utils.image_dataset_from_directory('../input/flowers/train', image_size=(IMG, IMG), batch_size=32)\nval_ds = tf.keras.utils.image_dataset_from_directory('../input/flowers/val', image_size=(IMG, IMG), batch_size=32)\nclass_names = train_ds.class_names\ntrain_ds = train_ds.prefetch(tf.data.AUTOTUNE)"),
 new_markdown_cell("## Transfer learning"),
 new_code_cell("base = EfficientNetB0(include_top=False, weights='imagenet', input_shape=(IMG, IMG, 3))\nbase.trainable = False"),
]
clean = common + [
 new_code_cell("inputs = layers.Input((IMG, IMG, 3))\nx = layers.RandomFlip('horizontal')(inputs)\nx = base(x, training=False)\nx = layers.GlobalAveragePooling2D()(x)\nx = layers.Dropout(0.2)(x)\noutputs = layers.Dense(NUM_CLASSES, activation='softmax')(x)\nmodel = models.Model(inputs, outputs)\nmodel.summary()"),
 new_code_cell("%%time\nmodel.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss='sparse_categorical_crossentropy', metrics=['accuracy'])\nhistory = model.fit(train_ds, validation_data=val_ds, epochs=5)"),
 new_code_cell("base.trainable = True\nfor layer in base.layers[:-20]:\n    layer.trainable = False\nmodel.compile(optimizer=tf.keras.optimizers.Adam(1e-5), loss='sparse_categorical_crossentropy', metrics=['accuracy'])\nhistory_ft = model.fit(train_ds, validation_data=val_ds, epochs=3)"),
 new_code_cell("import matplotlib.pyplot as plt\n%matplotlib inline\nplt.plot(history.history['accuracy'] + history_ft.history['accuracy'])\nplt.show()"),
 new_code_cell("model.save('flowers.keras')\n!ls -la"),
]
buggy = common + [
 new_code_cell("inputs = layers.Input((IMG, IMG, 3))\nx = base(inputs, training=False)\nx = layers.Dropout(0.2)(x)\noutputs = layers.Dense(NUM_CLASSES, activation='softmax')(x)\nmodel = models.Model(inputs, outputs)"),
 new_code_cell("model.compile(optimizer=tf.keras.optimizers.Adam(lr=1e-3), loss='sparse_categorical_crossentropy', metrics=['accuracy'])\nhistory = model.fit(train_ds, validation_data=val_ds, epochs=5)"),
 new_code_cell("base.trainable = True\nhistory_ft = model.fit(train_ds, validation_data=val_ds, epochs=3)"),
]
# autoencoder / GAN notebook (clean)
ae = [
 new_code_cell("from tensorflow import keras\nfrom tensorflow.keras import layers\nimport numpy as np\n(x_train, _), (x_test, _) = keras.datasets.mnist.load_data()\nx_train = x_train.astype('float32') / 255.\nx_train = np.reshape(x_train, (len(x_train), 28, 28, 1))"),
 new_code_cell("input_img = keras.Input(shape=(28, 28, 1))\nx = layers.Conv2D(16, (3, 3), activation='relu', padding='same')(input_img)\nx = layers.MaxPooling2D((2, 2), padding='same')(x)\nx = layers.Conv2D(8, (3, 3), activation='relu', padding='same')(x)\nencoded = layers.MaxPooling2D((2, 2), padding='same')(x)\n\nx = layers.Conv2D(8, (3, 3), activation='relu', padding='same')(encoded)\nx = layers.UpSampling2D((2, 2))(x)\nx = layers.Conv2D(16, (3, 3), activation='relu', padding='same')(x)\nx = layers.UpSampling2D((2, 2))(x)\ndecoded = layers.Conv2D(1, (3, 3), activation='sigmoid', padding='same')(x)\n\nautoencoder = keras.Model(input_img, decoded)\nencoder = keras.Model(input_img, encoded)\nautoencoder.compile(optimizer='adam', loss='binary_crossentropy')"),
 new_code_cell("autoencoder.fit(x_train, x_train, epochs=50, batch_size=128, shuffle=True)"),
 new_code_cell("latent_dim = 128\ngenerator = keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 128), layers.LeakyReLU(negative_slope=0.2), layers.Reshape((7, 7, 128)), layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding='same'), layers.LeakyReLU(negative_slope=0.2), layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding='same'), layers.LeakyReLU(negative_slope=0.2), layers.Conv2D(1, (7, 7), padding='same', activation='sigmoid')], name='generator')\ndiscriminator = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(64, (3, 3), strides=(2, 2), padding='same'), layers.LeakyReLU(negative_slope=0.2), layers.GlobalMaxPooling2D(), layers.Dense(1)], name='discriminator')\ndiscriminator.compile(optimizer='adam', loss='binary_crossentropy')\ndiscriminator.trainable = False\ngan_input = keras.Input(shape=(latent_dim,))\ngan = keras.Model(gan_input, discriminator(generator(gan_input)))\ngan.compile(optimizer='adam', loss='binary_crossentropy')"),
]


def _kaggle(cells: list) -> nbformat.NotebookNode:
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})


def test_transfer_learning_notebooks(cli, tmp_path):
    write_notebook(tmp_path / "flowers.ipynb", _kaggle(clean))
    write_notebook(tmp_path / "flowers_v2.ipynb", _kaggle(buggy))
    write_notebook(tmp_path / "autoencoder_gan.ipynb", _kaggle(ae))
    data = cli("--format", "json", "--no-cache", ".", cwd=tmp_path).json()
    assert data["files_checked"] == 3
    assert {f["path"] for f in data["findings"]} == {"flowers_v2.ipynb"}, data["findings"]
    found = {(f["code"], f["cell"], f["line"]): f for f in data["findings"]}
    assert set(found) == {("KG503", 4, 4), ("KG402", 5, 1), ("KG501", 6, 1)}
    # Line numbers inside messages are cell lines too.
    assert "fitted (cell 5, line 2)" in found[("KG501", 6, 1)]["message"]
    assert found[("KG503", 4, 4)]["related"][0]["cell"] == 3


def test_cells_valid_only_in_jupyter_do_not_break_the_program():
    nb = new_notebook(cells=[
        new_code_cell("import keras"),
        new_code_cell("from __future__ import annotations\nx = 1"),
        new_code_cell("import asyncio\nawait asyncio.sleep(0)"),
        new_code_cell("y = x + 1"),
    ])
    parsed = read_notebook(nbformat.writes(nb).encode())
    compile(parsed.program, "nb", "exec", dont_inherit=True)  # CPython accepts the whole program
    assert parsed.cells.cell(3).left_out and parsed.cells.cell(3).syntax_error is None
    assert not parsed.cells.cell(2).left_out and "x = 1" in parsed.program
