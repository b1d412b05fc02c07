"""KG501 under ``--trace``: the tracer records fits, compiles and ``trainable``
assignments with the real layers' flags, and the rule reads them.

Every program runs for real (one worker run for the module, TensorFlow and
Keras imported once); ``fit`` is neutralised by the tracer, which still sees
each call.  Module-level code runs; a ``main()`` driver does not (the tracer
never calls a function that trains).  Each program marks the lines KG501 must
report with ``# expect``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

# Builds real models with TensorFlow: deselect with -m "not slow".
pytestmark = pytest.mark.slow

pytest.importorskip("tensorflow")

from kgraphlint.graph import Facts  # noqa: E402
from kgraphlint.rules import all_rules  # noqa: E402
from kgraphlint.rules.base import expected_lines  # noqa: E402
from kgraphlint.trace.runner import TraceRequest, trace_files  # noqa: E402

RULE = all_rules()["KG501"]

DATA = """\
import numpy as np
import keras
from keras import layers

x = np.zeros((16, 8), "float32")
y = np.zeros((16, 1), "float32")
"""

PROGRAMS = {
    # Feature extraction, then the backbone unfrozen and fitted again: ignored.
    "finetune_no_recompile.py": DATA + """\
base = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(16)], name="base")
base.trainable = False
inputs = keras.Input((8,))
model = keras.Model(inputs, layers.Dense(1)(base(inputs)))
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=2, verbose=0)
base.trainable = True  # expect
model.fit(x, y, epochs=2, verbose=0)
""",
    # The same, recompiled after unfreezing: right.
    "finetune_recompiled.py": DATA + """\
base = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(16)], name="base")
base.trainable = False
inputs = keras.Input((8,))
model = keras.Model(inputs, layers.Dense(1)(base(inputs)))
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=2, verbose=0)
base.trainable = True
model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="mse")
model.fit(x, y, epochs=2, verbose=0)
""",
    # Unfreezing the top layers one by one: one finding at the assignment.
    "unfreeze_top_layers.py": DATA + """\
model = keras.Sequential([
    keras.Input((8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1),
])
for layer in model.layers[:-1]:
    layer.trainable = False
model.compile("adam", "mse")
model.train_on_batch(x, y)
for layer in model.layers[-2:]:
    layer.trainable = True  # expect
model.train_on_batch(x, y)
""",
    # Changed between compile() and the first fit: the step is built at that fit.
    "changed_before_first_fit.py": DATA + """\
model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(1)])
model.compile("adam", "mse")
model.layers[0].trainable = False
model.fit(x, y, verbose=0)
model.fit(x, y, verbose=0)
""",
    # Setting the flag a layer already has changes nothing.
    "already_trainable.py": DATA + """\
model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(1)])
model.compile("adam", "mse")
model.fit(x, y, verbose=0)
model.layers[0].trainable = True
model.fit(x, y, verbose=0)
""",
    # A GAN toggles its discriminator around the generator step: at each of
    # its own fits the discriminator is as it was compiled.
    "gan_toggle.py": DATA + """\
latent = 4
disc = keras.Sequential([keras.Input((8,)), layers.Dense(8, activation="relu"), layers.Dense(1)], name="disc")
disc.compile("adam", "binary_crossentropy")
gen = keras.Sequential([keras.Input((latent,)), layers.Dense(8)], name="gen")
disc.trainable = False
z = keras.Input((latent,))
gan = keras.Model(z, disc(gen(z)))
gan.compile("adam", "binary_crossentropy")
noise = np.zeros((16, latent), "float32")
for step in range(20):
    disc.trainable = True
    disc.train_on_batch(x, y)
    disc.trainable = False
    gan.train_on_batch(noise, y)
""",
    # Helpers: the change and the fits happen inside functions called at
    # module level; reported at the helper's call.
    "helpers.py": DATA + """\


def unfreeze(net, n):
    for layer in net.layers[-n:]:
        layer.trainable = True


def train(net, epochs):
    return net.fit(x, y, epochs=epochs, verbose=0)


model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(16), layers.Dense(1)])
for layer in model.layers[:-1]:
    layer.trainable = False
model.compile("adam", "mse")
train(model, 2)
unfreeze(model, 2)  # expect
train(model, 2)
""",
    # A loop of stages, each recompiling after its change: right.
    "stages_recompile.py": DATA + """\
model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(16), layers.Dense(1)])
for layer in model.layers[:-1]:
    layer.trainable = False
model.compile("adam", "mse")
for stage in (2, 3):
    model.fit(x, y, verbose=0)
    for layer in model.layers[-stage:]:
        layer.trainable = True
    model.compile(keras.optimizers.Adam(1e-5), "mse")
model.fit(x, y, verbose=0)
""",
    # A loop of stages that forgets to recompile: the unfreeze at the end of
    # one pass meets the fit at the start of the next.
    "stages_no_recompile.py": DATA + """\
model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(16), layers.Dense(1)])
for layer in model.layers[:-1]:
    layer.trainable = False
model.compile("adam", "mse")
for stage in (2, 3):
    model.fit(x, y, verbose=0)
    for layer in model.layers[-stage:]:
        layer.trainable = True  # expect
""",
}


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Facts]:
    root = tmp_path_factory.mktemp("trace_kg501")
    requests = []
    for name, source in PROGRAMS.items():
        (root / name).write_text(source)
        requests.append(TraceRequest(path=name, abspath=str(root / name), builders=[]))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return trace_files(requests, SimpleNamespace(trace_timeout=60.0, trace_calls=[]))
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_kg501_under_trace_reports_the_marked_lines(traced: dict[str, Facts], name: str) -> None:
    facts = traced[name]
    assert facts.engine == "trace" and facts.fits, "the program's fits were not recorded"
    found = list(RULE.check(facts))
    assert sorted({f.line for f in found}) == expected_lines(PROGRAMS[name]), [(f.line, f.message) for f in found]
    for f in found:
        assert f.engine == "trace" and f.path == name


def test_trace_records_fit_order_and_real_flags(traced: dict[str, Facts]) -> None:
    facts = traced["finetune_no_recompile.py"]
    (compiled,) = facts.compiles
    first, second = facts.fits
    frozen, change = facts.trainable_changes
    assert compiled.when is not None and frozen.when.order < compiled.when.order
    assert compiled.when.order < first.when.order < change.when.order < second.when.order
    assert change.target == "base" and change.value is True
    dense = [layer for layer in first.trainable or {} if layer.class_name == "Dense"]
    assert len(dense) == 3
    # The backbone's two Dense layers: frozen at the first fit, trainable at the second.
    assert sorted((first.trainable or {})[d] for d in dense) == [False, False, True]
    assert all((second.trainable or {})[d] for d in dense)


def test_helper_finding_points_inside_the_helper(traced: dict[str, Facts]) -> None:
    source = PROGRAMS["helpers.py"]
    (finding,) = RULE.check(traced["helpers.py"])
    lines = source.splitlines()
    inner, before, after = finding.related
    assert "layer.trainable = True" in lines[inner.line - 1] and "unfreeze" in inner.message
    assert lines[before.line - 1] == lines[after.line - 1] == "train(model, 2)"
    assert "`unfreeze()` changes `trainable` on `model`" in finding.message


def test_gan_toggle_records_every_event_of_the_first_passes(traced: dict[str, Facts]) -> None:
    facts = traced["gan_toggle.py"]
    # 20 passes, each event site recorded a few times only.
    assert 2 < len(facts.fits) < 20 and 2 < len(facts.trainable_changes) < 40


def test_cli_trace_reports_a_driverless_notebook_style_script(tmp_path: Path) -> None:
    """The real CLI on a script whose model comes from a function of an
    installed package the static engine cannot follow: only the tracer sees
    the model, and KG501 comes from it."""
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            """\
            import numpy as np
            import keras

            x = np.zeros((16, 8), "float32")
            y = np.zeros((16, 1), "float32")
            model = keras.models.clone_model(
                keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(1)])
            )
            model.compile("adam", "mse")
            model.get_layer(index=0).trainable = False
            model.fit(x, y, verbose=0)
            frozen = [l for l in model.layers if not l.trainable]
            frozen[0].trainable = True
            model.fit(x, y, verbose=0)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--trace", "--no-cache", "--format", "json", "--select", "KG501", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    report = json.loads(done.stdout)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("KG501", 13)], report
    assert report["findings"][0]["engine"] in ("trace", "both")


# The static engine does not know which layer ``model.layers[0]`` is, so it
# cannot tell that the flag was already True: it reports the assignment.
STATIC_ONLY = {"already_trainable.py": [10]}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_static_engine_reports_the_same_lines(name: str) -> None:
    """Both engines record the same events: the rule says the same over each."""
    import libcst as cst

    from kgraphlint.static.engine import analyze
    from kgraphlint.static.source import make_context

    source = PROGRAMS[name]
    facts = analyze(make_context(name, source, cst.parse_module(source)))
    found = list(RULE.check(facts))
    expected = STATIC_ONLY.get(name, expected_lines(source))
    assert sorted({f.line for f in found}) == expected, [(f.line, f.message) for f in found]
