"""Trace coverage: a file whose models --trace did not build is never counted
as traced, and the report says why in words that say what to do.

The unit tests drive :mod:`kgraphlint.trace.coverage` with the facts a trace
produces (no TensorFlow); the slow tests run the real CLI with real
TensorFlow on small projects written the way people write training code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write
from kgraphlint.config import Config
from kgraphlint.graph import Facts, Model, Site
from kgraphlint.trace.coverage import coverage_skip, plan_file, traced_lines

# ----------------------------------------------------------------------
# Scopes and reasons (no TensorFlow)

CFG_BUILD = """\
import argparse
import keras
from keras import layers


def build(num_features, hidden=64):
    inputs = keras.Input(shape=(num_features,))
    x = layers.Dense(hidden, activation="relu")(inputs)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=20)
    model = build(parser.parse_args().features)
    model.summary()
"""

TRAINER = """\
import keras
from keras import layers


def make_mlp(hidden):
    inputs = keras.Input((10,))
    x = inputs
    for units in hidden:
        x = layers.Dense(units, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(1)(x))


def run_experiment():
    model = make_mlp([32, 16])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x_train, y_train, epochs=2)


class Experiment:
    def model(self):
        return keras.Sequential([keras.Input((4,)), layers.Dense(1)])


if __name__ == "__main__":
    net = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
"""


def _facts(path: str, *lines: int, called=(), errors=False) -> Facts:
    facts = Facts(path=path, engine="trace")
    facts.models = [Model(kind="functional", site=Site(path, line, 1)) for line in lines]
    facts.trace_called = [list(c) for c in called]  # type: ignore[attr-defined]
    facts.trace_skipped = []  # type: ignore[attr-defined]
    if errors:
        from kgraphlint.graph import RaisedError

        facts.errors.append(RaisedError("ValueError", "boom", Site(path, 1, 1)))
    return facts


def _skip(tmp_path: Path, name: str, text: str, constructions, builders, traced: list[Facts], config=None):
    path = write(tmp_path, name, text)
    plan = plan_file(name, str(path), constructions, builders)
    lines, unplaced = traced_lines(traced)
    own = next((f for f in traced if f.path == name), None)
    return plan, coverage_skip(plan, own, {str(Path(p).resolve()): v for p, v in lines.items()}, unplaced,
                               config or Config(root=tmp_path))


def test_builder_needing_arguments_called_only_from_the_main_guard(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan, skip = _skip(tmp_path, "cfg_build.py", CFG_BUILD, [10], [("build", 1)], [_facts("cfg_build.py")])
    assert [(s.kind, s.name, s.required) for s in plan.scopes] == [("function", "build", ("num_features",))]
    assert skip is not None and skip.stage == "trace" and skip.path == "cfg_build.py"
    assert skip.reason.startswith("no model was built: `build(num_features)` needs arguments")
    # The setting, spelled as the configuration reads it (path relative to the project root).
    assert '`[tool.kgraphlint.trace]` `calls = ["cfg_build.py:build(num_features=...)"]`' in skip.reason


def test_built_by_another_file_of_the_run_is_covered(tmp_path, monkeypatch):
    # train.py calls models/net.py's build_model(10) at import: the traced
    # model's site is in net.py, which is then traced too.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "models/__init__.py", "")
    _, skip = _skip(
        tmp_path, "models/net.py", CFG_BUILD, [10], [("build", 1)],
        [_facts("models/net.py"), _facts("train.py"), _facts("other.py", 3)],
    )
    assert skip is not None
    trace_of_train = _facts("train.py")
    trace_of_train.models = [Model(kind="functional", site=Site("models/net.py", 10, 5))]
    _, skip = _skip(tmp_path, "models/net.py", CFG_BUILD, [10], [("build", 1)], [_facts("models/net.py"), trace_of_train])
    assert skip is None


def test_main_guard_method_and_trainer_scopes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = plan_file("exp.py", str(write(tmp_path, "exp.py", TRAINER)), [10, 21, 25], [])
    assert [(s.kind, s.name, s.models) for s in plan.scopes] == [
        ("function", "make_mlp", (10,)), ("class", "Experiment", (21,)), ("main", "", (25,)),
    ]
    # run_experiment() needs nothing and calls the file's make_mlp(): the tracer calls it.
    assert plan.trainers == ["run_experiment"]
    _, skip = _skip(
        tmp_path, "exp.py", TRAINER, [10, 21, 25], [],
        [_facts("exp.py", 10, called=[("run_experiment", "", False)])],
    )
    assert skip is not None and skip.reason.startswith("not fully traced: ")
    assert "the model in class `Experiment` is built in a method, which the tracer does not call" in skip.reason
    assert 'the model at line 25 is built under `if __name__ == "__main__":`' in skip.reason
    assert "make_mlp" not in skip.reason


def test_a_stopped_trainer_says_what_stopped_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    called = [("run_experiment", "it called sys.exit(2)", False)]
    _, skip = _skip(tmp_path, "exp.py", TRAINER, [10], [], [_facts("exp.py", called=called)])
    assert skip is not None
    assert skip.reason == (
        "no model was built: `run_experiment()`, which calls `make_mlp()`, was called but stopped before "
        "building a model: it called sys.exit(2)"
    )
    # Not called by anything the tracer called: the arguments are the gap.
    _, skip = _skip(tmp_path, "exp.py", TRAINER, [10], [], [_facts("exp.py")])
    assert skip is not None and skip.reason == (
        "no model was built: `make_mlp(hidden)` needs arguments; give them (literal values) in pyproject.toml: "
        '`[tool.kgraphlint.trace]` `calls = ["exp.py:make_mlp(hidden=...)"]`, or add a function that needs none '
        "and calls it"
    )
    # A reported failure (a finding, or a sandbox skip) is not said twice.
    plan = plan_file("b.py", str(write(tmp_path, "b.py", CFG_BUILD.replace("num_features,", ""))), [10], [("build", 0)])
    assert plan.trainers == []
    reported = _facts("b.py", called=[("build", "ValueError: boom", True)], errors=True)
    assert coverage_skip(plan, reported, {}, set(), Config(root=tmp_path)) is None
    silent = _facts("b.py", called=[("build", "it called sys.exit(2)", False)])
    skip = coverage_skip(plan, silent, {}, set(), Config(root=tmp_path))
    assert skip is not None and skip.reason == (
        "no model was built: `build()` was called but stopped before building a model: it called sys.exit(2)"
    )


def test_nothing_to_build_and_failed_imports_add_no_skip(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Only layers and helpers: no construction, nothing to cover.
    plan = plan_file("layers.py", str(write(tmp_path, "layers.py", "import keras\n")), [], [])
    assert coverage_skip(plan, _facts("layers.py"), {}, set(), Config(root=tmp_path)) is None
    # Module-level model after an import that failed: the KG901 / skip says why.
    text = "import keras\nimport missing_pkg\nmodel = keras.Sequential([keras.Input((3,))])\n"
    plan = plan_file("s.py", str(write(tmp_path, "s.py", text)), [3], [])
    assert coverage_skip(plan, _facts("s.py", errors=True), {}, set(), Config(root=tmp_path)) is None
    # A traced model without a known site: covered (never guessed which).
    unplaced = Facts(path="s.py", engine="trace", models=[Model(kind="functional")])
    lines, where = traced_lines([unplaced])
    assert coverage_skip(plan, unplaced, lines, where, Config(root=tmp_path)) is None


def test_models_the_worker_saw_constructed_count(tmp_path, monkeypatch):
    # A subclass instance whose graph facts sit in its class, a Sequential
    # never built: the worker reports where they were constructed.
    monkeypatch.chdir(tmp_path)
    plan = plan_file("exp.py", str(write(tmp_path, "exp.py", TRAINER)), [10], [])
    trace = _facts("exp.py")
    trace.trace_built_at = [["exp.py", 10], ["exp.py", 0]]  # type: ignore[attr-defined]
    lines, unplaced = traced_lines([trace])
    assert lines == {str((tmp_path / "exp.py").resolve()): {10}}
    assert unplaced == {str((tmp_path / "exp.py").resolve())}
    assert coverage_skip(plan, trace, lines, set(), Config(root=tmp_path)) is None


def test_an_application_call_is_a_construction_of_the_users_file(tmp_path, monkeypatch):
    # keras.applications.VGG16(...): its insides are library-made, the call is the user's.
    monkeypatch.chdir(tmp_path)
    trace = Facts(path="a.py", engine="trace")
    trace.models = [
        Model(kind="application", site=Site("a.py", 17, 11), library_made=True),
        Model(kind="functional", site=None, library_made=True),  # a Keras-made inner model
    ]
    assert traced_lines([trace]) == ({str((tmp_path / "a.py").resolve()): {17}}, set())


def test_async_and_decorated_functions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "import keras\n\n\nasync def build():\n    return keras.Sequential([keras.Input((3,))])\n"
    plan = plan_file("a.py", str(write(tmp_path, "a.py", text)), [5], [])
    assert plan.trainers == []
    skip = coverage_skip(plan, _facts("a.py"), {}, set(), Config(root=tmp_path))
    assert skip is not None and "coroutine function" in skip.reason


def test_a_kgraphlint_toml_config_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = Config(root=tmp_path, source=tmp_path / "kgraphlint.toml")
    _, skip = _skip(tmp_path, "sub/cfg.py", CFG_BUILD, [10], [("build", 1)], [_facts("sub/cfg.py")], config)
    assert skip is not None
    assert 'kgraphlint.toml: `[trace]` `calls = ["sub/cfg.py:build(num_features=...)"]`' in skip.reason


# ----------------------------------------------------------------------
# The real CLI, real TensorFlow

NET = """\
import keras
from keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return layers.MaxPooling2D()(x)


def build_model(num_classes, input_shape=(32, 32, 3)):
    inputs = keras.Input(shape=input_shape)
    x = conv_block(inputs, 32)
    x = conv_block(x, 64)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="cnn")
"""

TRAIN = """\
import numpy as np
from models.net import build_model

model = build_model(num_classes=10)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
x = np.random.rand(8, 32, 32, 3).astype("float32")
y = np.random.randint(0, 10, size=(8,))
model.fit(x, y, epochs=1, batch_size=4)
"""

CUSTOM_LAYERS = """\
import keras
from keras import layers, ops


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)

    def call(self, patch):
        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
        return self.projection(patch) + self.position_embedding(positions)


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.activations.gelu)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x
"""

# Tabular classifier whose builder takes the feature count from the command
# line; a dropped side branch (KG103) proves whether the trace built it.
TABULAR = """\
import argparse

import keras
from keras import layers


def build(num_features, hidden=64):
    inputs = keras.Input(shape=(num_features,), name="features")
    x = layers.Dense(hidden, activation="relu")(inputs)
    aux = layers.Dense(8, activation="relu", name="aux")(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=20)
    model = build(parser.parse_args().features)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.summary()
"""

QUICKSTART = """\
import keras
from keras import layers

if __name__ == "__main__":
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.summary()
"""

# keras.io "Simple MNIST convnet" style, wrapped in a train() that also fits:
# a dropped branch (KG103) proves the trace built the model.
MNIST_TRAINER = """\
import keras
from keras import layers


def train():
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train.astype("float32")[..., None] / 255
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, kernel_size=(3, 3), activation="relu")(inputs)
    x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    side = layers.Conv2D(8, 1)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=128, epochs=15, validation_split=0.1)
    return model
"""


# A model subclass that wires its graph in __init__ (its traced graph sits at
# the super().__init__ line, inside the class), built by a builder; and an
# augmentation Sequential with no input shape, only ever applied in tf.data
# (Keras builds no graph for it): both were constructed, neither is a gap.
SUBCLASSED = """\
import numpy as np
import tensorflow as tf
import keras
from keras import layers

augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])
images = np.random.rand(16, 32, 32, 3).astype("float32")
train_ds = tf.data.Dataset.from_tensor_slices(images).batch(8).map(lambda x: augment(x, training=True))


class MultiScaleCNN(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        inputs = keras.Input(shape=(32, 32, 3))
        branches = [layers.Conv2D(8, k, padding="same", activation="relu")(inputs) for k in (1, 3, 5)]
        x = layers.GlobalMaxPooling2D()(layers.Concatenate()(branches))
        super().__init__(inputs=inputs, outputs=layers.Dense(num_classes)(x), **kwargs)


def build_multiscale_cnn():
    model = MultiScaleCNN()
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
"""


def _project(root: Path) -> None:
    write(root, "subclassed.py", SUBCLASSED)
    write(root, "models/__init__.py", "")
    write(root, "models/net.py", NET)
    write(root, "models/layers.py", CUSTOM_LAYERS)
    write(root, "train.py", TRAIN)
    write(root, "tabular.py", TABULAR)
    write(root, "quickstart.py", QUICKSTART)
    write(root, "mnist_trainer.py", MNIST_TRAINER)


def _trace(cli, root: Path, *args: str):
    res = cli("--no-cache", "--trace", *args, ".", cwd=root)
    assert "Traceback" not in res.output, res.output
    return res


@pytest.mark.slow
def test_untraced_models_are_skips_in_every_format(cli, tmp_path):
    _project(tmp_path)
    data = _trace(cli, tmp_path, "--format", "json").json()
    skips = {s["path"]: s for s in data["skipped"]}
    # net.py's builder needs arguments, but train.py builds it at import;
    # models/layers.py builds no model at all: neither is a gap.
    assert sorted(skips) == ["quickstart.py", "tabular.py"], data["skipped"]
    assert all(s["stage"] == "trace" for s in skips.values())
    assert skips["tabular.py"]["reason"] == (
        "no model was built: `build(num_features)` needs arguments; give them (literal values) in pyproject.toml: "
        '`[tool.kgraphlint.trace]` `calls = ["tabular.py:build(num_features=...)"]`, or add a function that '
        "needs none and calls it"
    )
    assert skips["quickstart.py"]["reason"].startswith(
        'no model was built: the model at line 5 is built under `if __name__ == "__main__":`, which does not run '
        "when the tracer imports the file"
    )
    # 8 files checked; __init__.py has no Keras; 2 not traced.
    assert (data["files_checked"], data["files_traced"]) == (8, 5)
    # mnist_trainer.train() also fits: fit never trains under the tracer, so it
    # is called, and the model it builds is traced (its dropped branch is seen by both engines).
    (side,) = [f for f in data["findings"] if f["path"] == "mnist_trainer.py" and f["code"] == "KG103"]
    assert side["engine"] == "both" and side["line"] == 11
    # The static KG103 on tabular.py stands: its model was never traced.
    (aux,) = [f for f in data["findings"] if f["path"] == "tabular.py"]
    assert aux["code"] == "KG103" and aux["engine"] == "static"

    text = _trace(cli, tmp_path, "--format", "text")
    assert "All checks passed" not in text.stdout
    assert "tabular.py: not traced: no model was built: `build(num_features)` needs arguments" in text.stdout
    assert text.stdout.splitlines()[-1].endswith("in 2 of 8 files (5 traced); 2 files not traced.")
    rich = _trace(cli, tmp_path, "--format", "rich").stdout
    assert "quickstart.py" in rich and "no model was built" in rich
    github = _trace(cli, tmp_path, "--format", "github").stdout
    assert "::notice file=tabular.py,title=kgraphlint%3A not traced::not traced: no model was built: " in github
    sarif = json.loads(_trace(cli, tmp_path, "--format", "sarif").stdout)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert sorted(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes) == [
        "quickstart.py", "tabular.py",
    ]
    assert all(n["properties"]["stage"] == "trace" and "no model was built" in n["message"]["text"] for n in notes)


@pytest.mark.slow
def test_trace_calls_entry_from_the_hint_traces_the_model(cli, tmp_path):
    write(tmp_path, "tabular.py", TABULAR)
    hint = _trace(cli, tmp_path, "--format", "json").json()["skipped"][0]["reason"]
    entry = hint.split("`calls = [")[1].split("]`")[0]  # "tabular.py:build(num_features=...)"
    write(tmp_path, "pyproject.toml", f"[tool.kgraphlint.trace]\ncalls = [{entry.replace('...', '20')}]\n")
    data = _trace(cli, tmp_path, "--format", "json").json()
    assert data["skipped"] == [] and data["files_traced"] == 1
    (aux,) = data["findings"]
    assert aux["code"] == "KG103" and aux["engine"] == "both" and aux["line"] == 10
    text = _trace(cli, tmp_path, "--format", "text").stdout
    assert text.splitlines()[-1] == "Found 1 finding (1 warning) in 1 file (1 traced)."


BLOCKS = """\
import keras
from keras import layers


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])

    def call(self, inputs):
        return self.ffn(self.att(inputs, inputs))


class GatedBlock(TransformerBlock):
    def build(self, input_shape):
        self.gate = keras.Sequential([layers.Dense(1, activation="sigmoid")])
"""


def test_sub_models_of_keras_layer_classes_are_parts_not_gaps(tmp_path, monkeypatch):
    # keras.io's TransformerBlock keeps a Sequential feed-forward part: it is
    # built when a model uses the layer, so a file of such layers has no gap.
    monkeypatch.chdir(tmp_path)
    plan = plan_file("blocks.py", str(write(tmp_path, "blocks.py", BLOCKS)), [9, 17], [])
    assert plan.scopes == [] and plan.trainers == []
    assert coverage_skip(plan, _facts("blocks.py"), {}, set(), Config(root=tmp_path)) is None


def test_notebook_reasons_name_cells(tmp_path, monkeypatch):
    import nbformat

    monkeypatch.chdir(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Quick start"),
        nbformat.v4.new_code_cell("import keras\nfrom keras import layers"),
        nbformat.v4.new_code_cell(
            'if __name__ == "__main__":\n    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])'
        ),
    ]
    path = tmp_path / "quick.ipynb"
    nbformat.write(nb, str(path))
    from kgraphlint.notebook import read_notebook

    program_line = read_notebook(path.read_bytes()).cells.program_line(2, 2)
    plan = plan_file("quick.ipynb", str(path), [program_line], [])
    skip = coverage_skip(plan, _facts("quick.ipynb"), {}, set(), Config(root=tmp_path))
    assert skip is not None
    assert skip.reason.startswith(
        'no model was built: the model at cell 2, line 2 is built under `if __name__ == "__main__":`, which does '
        "not run in the tracer, which runs the cells as a module;"
    )
