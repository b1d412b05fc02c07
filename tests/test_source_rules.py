"""The source rules KG401 / KG402 and KG501: samples, bug fixtures, precision traps
and the properties of their autofixes.

KG401/KG402 read the libcst module only, so they are run here directly (parse,
``make_context``, ``check_source``) without the static engine; KG501 reads the
training events the static engine records.  Fixes are applied
with a local helper that refuses overlapping edits: every edit of every finding
of a file must apply in one pass, or a second ``--fix`` would change the file again.
"""

from __future__ import annotations

import glob
import importlib
import importlib.util
import os
import re
from pathlib import Path
from typing import Iterable

import libcst as cst
import pytest

from kgraphlint.findings import Finding
from kgraphlint.rules import all_rules
from kgraphlint.rules.base import expected_lines
from kgraphlint.rules.kg401_private_keras_api import (
    ENGINE_NAMES,
    PUBLIC_NAMESPACES,
    is_private,
    public_names_of,
    public_targets,
)
from kgraphlint.vocab.public_api import top_level_home
from kgraphlint.static.imports import inside_keras_package, inside_tensorflow_package
from kgraphlint.static.source import make_context
from kgraphlint.static.text_edits import text_offsets

ROOT = Path(__file__).resolve().parents[1]
# The public names KG401 maps `keras.src` and Keras 2 paths onto, by namespace.
_PUBLIC_NAMES = {ns: public_names_of(ns) for ns in ("", *sorted(PUBLIC_NAMESPACES))}
_TOP_LEVEL_HOME = top_level_home()
CODES = ("KG401", "KG402", "KG501")
RULES = {code: all_rules()[code] for code in CODES}
FIXABLE = ("KG401", "KG402")


def check(code: str, text: str, path: str = "sample.py") -> list[Finding]:
    module = cst.parse_module(text)
    ctx = make_context(path, text, module)
    rule = RULES[code]
    if rule.source_rule:
        return list(rule.check_source(ctx))
    # KG501 reads the training events the static engine records.
    from kgraphlint.static.engine import analyze

    return list(rule.check(analyze(ctx)))


def check_all(text: str, path: str = "sample.py") -> list[Finding]:
    return [f for code in CODES for f in check(code, text, path)]


def apply_fixes(text: str, findings: Iterable[Finding]) -> str:
    """All edits of all findings, bottom-up; overlapping edits are a test failure."""
    starts = text_offsets(text)
    spans = []
    for finding in findings:
        if finding.fix is None:
            continue
        for e in finding.fix.edits:
            start = starts[e.line - 1] + e.column - 1
            end = starts[e.end_line - 1] + e.end_column - 1
            assert start <= end, e
            spans.append((start, end, e.content))
    spans.sort()
    for (a_start, a_end, _), (b_start, b_end, _) in zip(spans, spans[1:]):
        assert a_end <= b_start and not (a_start == a_end == b_start == b_end), "overlapping edits"
    for start, end, content in reversed(spans):
        text = text[:start] + content + text[end:]
    return text


def marked_lines(text: str, code: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if re.search(rf"#\s*expect:\s*{code}\b", line)]


# ---------------------------------------------------------------------------
# The rules' own samples


def _samples(kind: str):
    for code in CODES:
        for i, sample in enumerate(getattr(RULES[code], kind)):
            yield pytest.param(code, sample, id=f"{code}-{kind.lower()}-{i}")


@pytest.mark.parametrize("code,sample", list(_samples("VALID")))
def test_valid_sample_is_clean(code, sample):
    assert check(code, sample) == []


@pytest.mark.parametrize("code,sample", list(_samples("INVALID")))
def test_invalid_sample_reports_expected_lines(code, sample):
    found = check(code, sample)
    assert sorted({f.line for f in found}) == expected_lines(sample), [(f.line, f.message) for f in found]
    for f in found:
        assert f.code == code and f.message and f.hint


def test_rules_are_source_rules():
    for rule in RULES.values():
        # KG501 reads the fit / compile / trainable events both engines record.
        if rule.code == "KG501":
            assert not rule.source_rule and rule.engines == "ST"
        else:
            assert rule.source_rule and rule.engines == "S"
        assert set(rule.doc_sections()) >= {"What it does", "Why is this bad?", "Example", "Use instead"}


# ---------------------------------------------------------------------------
# Bug fixtures: exactly the marked lines, and nothing from the other source rules

BUG_FIXTURES = {code: ROOT / "fixtures" / "bugs" / name for code, name in (
    ("KG401", "kg401_private_keras_api.py"),
    ("KG402", "kg402_removed_training_api.py"),
    ("KG501", "kg501_trainable_after_training.py"),
)}


@pytest.mark.parametrize("code", CODES)
def test_bug_fixture_reports_marked_lines(code):
    path = BUG_FIXTURES[code]
    text = path.read_text()
    found = check_all(text, str(path))
    assert sorted({f.line for f in found if f.code == code}) == marked_lines(text, code)
    assert [f for f in found if f.code != code] == []


def test_kg501_helper_report_points_inside_the_helper():
    sample = CATCHES["KG501"][-1]
    (finding,) = check("KG501", sample)
    inner, before, after = finding.related
    assert inner.line == 3 and "unfreeze" in inner.message
    assert (before.line, after.line) == (9, 11)  # the fits happen inside train(...)
    assert "`unfreeze()` changes `trainable` on `model`" in finding.message


def test_kg501_fixture_related_locations():
    path = BUG_FIXTURES["KG501"]
    text = path.read_text()
    (first, *_) = check("KG501", text, str(path))
    lines = text.splitlines()
    before, after = first.related
    assert before.path == after.path == str(path)
    assert "model.fit(" in lines[before.line - 1] and "model.fit(" in lines[after.line - 1]
    assert before.line < first.line < after.line
    assert "base_model" in first.message and "compile" in first.hint


def test_reference_fixture_and_clean_corpus_are_clean():
    paths = [ROOT / "fixtures" / "inception_v3_finetune.py", *sorted((ROOT / "tests" / "corpus" / "clean").glob("*.py"))]
    for path in paths:
        assert check_all(path.read_text(), str(path)) == [], path


# ---------------------------------------------------------------------------
# Precision traps: code that looks like the patterns but is not Keras, or is right

TRAPS = {
    "torch-optimizer": "import torch\n\nopt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)\n"
    "sgd = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)\n",
    "torch-from-import": "from torch.optim import Adam\n\nopt = Adam(params, lr=1e-3)\n",
    "own-adam-class": "class Adam:\n    def __init__(self, lr=0.1, decay=0.0):\n        self.lr = lr\n\nopt = Adam(lr=0.1, decay=0.5)\n",
    "keras-name-rebound": "from keras.optimizers import Adam\n\ndef Adam(lr, decay):\n    return lr\n\nAdam(lr=1, decay=2)\n",
    "legacy-optimizer": "import tensorflow as tf\n\nopt = tf.keras.optimizers.legacy.Adam(lr=1e-3, decay=1e-6)\n",
    "optax": "import optax\n\nopt = optax.adam(learning_rate=1e-3)\nsched = optax.exponential_decay(1e-3, 100, decay_rate=0.9)\n",
    "own-fit-generator": "class Trainer:\n    def fit_generator(self, gen, workers=1):\n        return list(gen)\n\n"
    "Trainer().fit_generator(iter([1]), workers=1)\n",
    "non-keras-fit-workers": "import numpy as np\nfrom lightweight import Model\n\nModel().fit(np.zeros(3), workers=4)\n",
    "keras-fit-workers-alone": "import keras\n\nestimator.fit(x, y, workers=4)\n",
    # The Keras 3 home of the loader options.
    "pydataset-options": "import keras\n\nclass Batches(keras.utils.PyDataset):\n"
    "    def __init__(self, x, **kwargs):\n        super().__init__(workers=4, use_multiprocessing=True, max_queue_size=10)\n"
    "        self.x = x\n",
    "regex-compile": "import re\nimport keras\n\npattern = re.compile(r'lr=(\\d+)')\nlr = 0.1\ndecay = 0.9\n",
    "user-engine-package": "import engine\nimport engine.training\nfrom engine.topology import Input\nfrom .engine import training\n\n"
    "model = engine.training.Model(Input())\n",
    "version-shim": "try:\n    from keras.engine.topology import get_source_inputs\nexcept ImportError:\n"
    "    from keras.utils import get_source_inputs\n\ntry:\n    import keras\n    Functional = keras.engine.functional.Functional\n"
    "except (AttributeError, ModuleNotFoundError):\n    Functional = keras.Model\n",
    "keras-as-parameter": "def build(keras):\n    return keras.engine.training.Model\n",
    "tf-keras-package": "import tf_keras\nfrom tf_keras.src.engine import training\n\nModel = tf_keras.src.engine.training.Model\n",
    "src-attribute-of-other-object": "import keras\n\nconfig.src.layers = 3\nimg.engine.run()\n",
    "finetune-recompiled": "model.fit(x, y)\nbase.trainable = True\nmodel.compile('adam', 'mse')\nmodel.fit(x, y)\n",
    "trainable-before-first-fit": "model.compile('adam', 'mse')\nbase.trainable = False\nmodel.fit(x, y)\n",
    "other-model-changed": "a.fit(x, y)\nb.trainable = False\nfor layer in b.layers:\n    layer.trainable = True\na.fit(x, y)\n",
    "model-rebuilt": "model.fit(x, y)\nmodel.trainable = False\nmodel = keras.Model(inp, out)\nmodel.compile('adam', 'mse')\nmodel.fit(x, y)\n",
    "recompiled-in-both-branches": "model.fit(x, y)\nif fine_tune:\n    base.trainable = True\n    model.compile('adam', 'mse')\n    model.fit(x, y)\nelse:\n    model.fit(x, y)\n",
    "comparison-not-assignment": "model.fit(x, y)\nif layer.trainable == False:\n    print(layer)\nmodel.fit(x, y)\n",
    "separate-functions": "def phase1(model):\n    model.fit(x, y)\n\ndef phase2(model):\n    model.layers[0].trainable = True\n    model.fit(x, y)\n",
    "loop-recompiles": "for stage in range(3):\n    model.fit(x, y)\n    base.trainable = True\n    model.compile('adam', 'mse')\n",
    # A GAN toggles its discriminator around the generator step: at each of its own
    # fits the discriminator is as it was built.
    "gan-toggle": "for step in range(100):\n    disc.trainable = True\n    disc.train_on_batch(x, y)\n"
    "    disc.trainable = False\n    gan.train_on_batch(z, y)\n",
    "gan-toggle-helper": "def set_trainable(m, value):\n    m.trainable = value\n    for layer in m.layers:\n"
    "        layer.trainable = value\n\n"
    "for step in range(100):\n    set_trainable(disc, True)\n    disc.train_on_batch(x, y)\n"
    "    set_trainable(disc, False)\n    gan.train_on_batch(z, y)\n",
    "helper-recompiles": "def unfreeze(model):\n    for layer in model.layers:\n        layer.trainable = True\n"
    "    model.compile('adam', 'mse')\n\nmodel.fit(x, y)\nunfreeze(model)\nmodel.fit(x, y)\n",
    "helper-may-not-change": "def maybe_freeze(model, flag):\n    if flag:\n        model.trainable = False\n\n"
    "model.fit(x, y)\nmaybe_freeze(model, args.freeze)\nmodel.fit(x, y)\n",
    "helper-fits-after-compile": "def phase(model, lr):\n    model.layers[0].trainable = True\n"
    "    model.compile(keras.optimizers.Adam(lr), 'mse')\n    model.fit(x, y)\n\nphase(model, 1e-3)\nphase(model, 1e-5)\n",
}


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_precision_trap_is_clean(name):
    assert check_all(TRAPS[name]) == []


# Things the rules *do* see, beyond the samples.
CATCHES = {
    "KG401": [
        "import keras.engine.training as training  # expect\n\nm = training.Model\n",
        "from tensorflow.python import keras  # expect\n\nx = keras.layers.Dense(3)\n",
        "import tensorflow.python.keras as tfk  # expect\n\nm = tfk.models.Model\n",
        "from keras.layers.core import Dense, Flatten  # expect\nfrom keras.layers.convolutional import Conv2D  # expect\n",
        "import keras\n\nx = keras.layers.merge.concatenate([a, b])  # expect\n",
        "import keras as K\n\nm = K.src.models.Model  # expect\n",
        "from keras.src.models import Model  # expect\nfrom keras.src import layers  # expect\n\nd = layers.Dense(1)\n",
        "from keras.engine.training import Model as KModel  # expect\n",
        # a try/except that does not fall back on a missing module is no shim
        "try:\n    from keras.engine.training import Model  # expect\nexcept KeyboardInterrupt:\n    raise\n",
    ],
    "KG402": [
        "import tensorflow as tf\n\nopt = tf.keras.optimizers.RMSprop(lr=1e-4, decay=0.0)  # expect\n",
        "from tensorflow import keras\n\nopt = keras.optimizers.Nadam(\n    lr=2e-3,  # expect\n)\n",
        "from keras import optimizers as O\n\nopt = O.Adagrad(lr=0.01)  # expect\n",
        "import keras\n\nmodel.compile('adam', 'mse', sample_weight_mode=None)  # expect\n",
        "import keras\n\nmodel.fit(x, y, use_multiprocessing=False, workers=1)  # expect\n",
        "self.model.fit_generator(self.train_seq, epochs=3)  # expect\n",
        "model.fit_generator(gen, samples_per_epoch=1000, nb_epoch=5)  # expect\n",
        "import tf_keras as tfk\n\nopt = tfk.optimizers.Adam(lr=1e-3)  # expect\n",
        "try:\n    from tensorflow.keras.optimizers import SGD\nexcept ImportError:\n    from keras.optimizers import SGD\n\n"
        "sgd = SGD(lr=0.1)  # expect\n",
        "registry[name].fit_generator(gen)  # expect\n",
    ],
    "KG501": [
        # the unfreeze at the end of an iteration meets the fit at its start
        "for stage in range(3):\n    model.fit(x, y)\n    model.layers[0].trainable = True  # expect\n",
        # the base's layers are the model's layers
        "import keras\n\nmodel = keras.Model(inputs=base.inputs, outputs=head(base.output))\nmodel.compile('adam', 'mse')\n"
        "model.fit(x, y)\nfor i, layer in enumerate(base.layers[-20:]):\n    layer.trainable = True  # expect\nmodel.fit(x, y)\n",
        "model.fit(x, y)\nhead = model.layers[-1]\nhead.trainable = False  # expect\nmodel.train_on_batch(x, y)\n",
        "model.compile('adam', 'mse')\nmodel.fit(x, y)\nwith strategy.scope():\n    try:\n"
        "        model.trainable = False  # expect\n    except ValueError:\n        pass\nmodel.fit(x, y)\n",
        # only one branch recompiles: the other path trains with stale variables
        "model.fit(x, y)\nmodel.layers[0].trainable = True  # expect\nif args.recompile:\n    model.compile('adam', 'mse')\nmodel.fit(x, y)\n",
        "import keras\n\nseq = keras.Sequential([base, keras.layers.Dense(2)])\nseq.fit(x, y)\nbase.layers[0].trainable = True  # expect\nseq.fit(x, y)\n",
        # a helper that only unfreezes, called between two fits: reported at its call
        "def unfreeze(model, n):\n    for layer in model.layers[-n:]:\n        layer.trainable = True\n\n"
        "def train(model, epochs):\n    return model.fit(x, y, epochs=epochs)\n\n"
        "model.compile('adam', 'mse')\ntrain(model, 3)\nunfreeze(model, 20)  # expect\ntrain(model, 3)\n",
    ],
}


def _catch_cases():
    for code, samples in CATCHES.items():
        for i, sample in enumerate(samples):
            yield pytest.param(code, sample, id=f"{code}-{i}")


@pytest.mark.parametrize("code,sample", list(_catch_cases()))
def test_rule_catches(code, sample):
    found = check(code, sample)
    assert sorted({f.line for f in found}) == expected_lines(sample), [(f.line, f.message) for f in found]


# ---------------------------------------------------------------------------
# Autofix properties


# Layouts that stress the edits: comments inside calls and imports, trailing
# commas, one argument per line, every argument removed, semicolons.
TRICKY_LAYOUTS = [
    "from keras.engine.topology import (\n    Input,  # the input\n    Layer,\n)\n",
    "import keras.engine.training, keras.layers as L\n",
    "import keras; m = keras.engine.training.Model; import keras.engine.training\n",
    "import keras\nm = keras \\\n    .engine.training.Model\n",
    "import keras\nm = (keras.engine  # private\n     .training.Model)\n",
    "import keras\nopt = keras.optimizers.Adam(\n    lr=1e-3,\n    decay=0,\n)\n",
    "import keras\nopt = keras.optimizers.Adam(decay=0,)\n",
    "import keras\nopt = keras.optimizers.Adam(1e-3, decay=0, amsgrad=True, decay2=1)\n",
    "import keras\nm.fit(x, y,\n      workers=1, use_multiprocessing=False)\n",
    "import keras\nm.fit(x, y, workers=1,  # w\n      use_multiprocessing=False)\n",
    "import keras\nm.fit(workers=1, use_multiprocessing=False, max_queue_size=10)\n",
    "import keras\nm.fit(workers=1, use_multiprocessing=False, max_queue_size=10,)\n",
    "import keras\nm.fit(\n    workers=1,\n    use_multiprocessing=False\n)\n",
    "import keras\nm.fit(x,\n    workers=1,  # one\n    use_multiprocessing=False)\n",
    "m.fit_generator(*args, **kwargs)\n",
    "m.fit_generator(g, 10, 2, 1, [], None, None, None)\n",
    "m.fit_generator(g, steps_per_epoch=3, epochs=2, **kw)\n",
    "from tensorflow.python import keras\nx = keras.layers.Dense(3)\ny = keras.backend.foo\n",
    "from tensorflow.python import keras\nx = keras.layers.Dense(3)\n",
    "import tensorflow.python.keras.engine.training\nm = tensorflow.python.keras.engine.training.Model\n",
    "from keras.src.utils import PyDataset\nfrom keras.src.models import load_model\n",
    "import keras\nclass A(keras.engine.base_layer.Layer):\n    pass\n",
    "import keras.src as ks\nks.layers.Dense\n",
    "import keras.src.layers as kl\nx = kl.Dense(3)(kl.Input((2,)))\n",
    # decay= rewrites: positional / keyword / default rate, the import added once
    "import keras\nopt = keras.optimizers.Adam(\n    (1e-3),  # rate\n    decay=1e-6,  # per step\n)\n",
    "from keras.optimizers import Adam, SGD\na = Adam(decay=1e-6)\nb = SGD(0.1, decay=1e-3)\nc = Adam(lr=1, decay=2)",
    "from keras.optimizers import Adam\n\n\n@decorate\ndef f():\n    return Adam(decay=1e-6)\n",
    "def f():\n    from tensorflow.keras.optimizers import SGD\n    return SGD(decay=0.5, momentum=0.9)\n",
    "from keras.optimizers import Adam\nfrom mylib import InverseTimeDecay\nopt = Adam(decay=1e-6)\n",
    "import keras\nopt = keras.optimizers.SGD(decay=1e-4, lr=0.1, learning_rate=3)\n",
    "import keras\nm.fit(x, y, workers=8,  # w\n      use_multiprocessing=True)\n",
    "import keras\nm.fit(x, y, workers=8, use_multiprocessing=True, **kw)\n",
    "m.fit_generator(gen, samples_per_epoch=a + b, nb_val_samples=3, nb_worker=2, pickle_safe=True)\n",
    "m.predict_generator(gen, val_samples=10, max_q_size=3)\n",
]


def _fix_inputs():
    for i, sample in enumerate(TRICKY_LAYOUTS):
        yield pytest.param(sample, id=f"layout-{i}")
    for code in FIXABLE:
        for i, sample in enumerate(RULES[code].INVALID):
            yield pytest.param(sample, id=f"{code}-invalid-{i}")
        for i, sample in enumerate(CATCHES[code]):
            yield pytest.param(sample, id=f"{code}-catch-{i}")
        yield pytest.param(BUG_FIXTURES[code].read_text(), id=f"{code}-fixture")
        yield pytest.param(BUG_FIXTURES[code].read_text().replace("\n", "\r\n"), id=f"{code}-fixture-crlf")


def _comments(text: str) -> list[str]:
    import io
    import tokenize

    return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]


@pytest.mark.parametrize("text", list(_fix_inputs()))
def test_fixes_parse_preserve_comments_and_are_idempotent(text):
    found = check_all(text)
    fixed = apply_fixes(text, found)
    cst.parse_module(fixed)  # still Python
    assert ("\r\n" in text) == ("\r\n" in fixed)  # line endings kept
    compile(fixed, "<fixed>", "exec")
    assert _comments(fixed) == _comments(text)
    again = check_all(fixed)
    # What is left is what has no mechanical fix; a second pass changes nothing.
    assert all(f.fix is None for f in again), [(f.line, f.message) for f in again if f.fix]
    assert apply_fixes(fixed, again) == fixed
    fixable_before = {(f.code, f.message) for f in found if f.fix is not None}
    assert not fixable_before & {(f.code, f.message) for f in again}


def test_fixes_touch_only_the_offending_text():
    text = (
        "import keras   # the only import\n"
        "from keras.engine.training import Model  # Keras 2\n\n"
        "def build(inp, out):\n"
        "    return keras.engine.training.Model(  inp,\n"
        "        out)  # odd layout stays\n\n"
        "opt = keras.optimizers.SGD(lr = 0.1,  momentum=0.9)\n"
    )
    fixed = apply_fixes(text, check_all(text))
    assert fixed == (
        "import keras   # the only import\n"
        "from keras import Model  # Keras 2\n\n"
        "def build(inp, out):\n"
        "    return keras.Model(  inp,\n"
        "        out)  # odd layout stays\n\n"
        "opt = keras.optimizers.SGD(learning_rate = 0.1,  momentum=0.9)\n"
    )


def test_fully_fixable_code_has_no_findings_left():
    text = (
        "import keras\n"
        "from keras.engine.topology import Input, Layer\n"
        "from keras.layers.merge import concatenate, Add\n"
        "import keras.engine.training\n\n"
        "inp = Input((3,))\n"
        "m = keras.engine.training.Model(inp, concatenate([inp, inp]))\n"
        "m.compile(keras.optimizers.Adam(lr=1e-3, decay=0.0), 'mse')\n"
        "m.fit_generator(gen, 10, 2, 1, [], None, None, workers=1, use_multiprocessing=False)\n"
        "m.predict_generator(generator=gen, steps=3, max_queue_size=10)\n"
    )
    fixed = apply_fixes(text, check_all(text))
    assert check_all(fixed) == []
    assert "m.fit(gen, steps_per_epoch=10, epochs=2, verbose=1, callbacks=[], validation_data=None, validation_steps=None)" in fixed
    assert "m.predict(x=gen, steps=3)" in fixed
    assert "from keras import Input, Layer" in fixed and "from keras.layers import concatenate, Add" in fixed
    assert "keras.optimizers.Adam(learning_rate=1e-3)" in fixed


def test_from_import_keeps_local_names_bound():
    text = "from keras.engine.training import Model as KModel\nfrom keras.engine.input_layer import InputLayer, Input\n"
    fixed = apply_fixes(text, check_all(text))
    assert fixed == "from keras import Model as KModel\nfrom keras.layers import InputLayer, Input\n"


def test_no_fix_when_not_mechanical():
    for text in (
        "import keras\n\nf = keras.engine.functional.Functional\n",  # no drop-in public class
        "from keras.engine.topology import Container\n",
        "from keras.layers import merge\n",  # Keras 1 merge() function / Keras 2 module
        "import keras.src.ops as kops\n\nkops.numpy.add(1, 2)\n",  # uses reach beyond the public API
        "from keras.engine.training import *\n",
    ):
        found = check("KG401", text)
        assert found and all(f.fix is None for f in found), text
    text = "import keras\n\nkeras.optimizers.Adam(lr=1, learning_rate=2)\n"
    # Both spellings given: Keras 2 (2.3+, tf.keras) used `lr` and ignored the other.
    assert apply_fixes(text, check("KG402", text)) == "import keras\n\nkeras.optimizers.Adam(learning_rate=1)\n"


def test_module_mapping_only_when_every_use_is_public():
    fixed = apply_fixes(
        "import keras.src.layers as kl\nx = kl.Dense(3)(kl.Input((2,)))\n",
        check("KG401", "import keras.src.layers as kl\nx = kl.Dense(3)(kl.Input((2,)))\n"),
    )
    assert fixed == "import keras.layers as kl\nx = kl.Dense(3)(kl.Input((2,)))\n"
    for text in (
        "from keras.src import layers\nregistry = layers  # the module object itself\n",
        "from keras.src import layers\nlayers.core.dense.Dense(3)  # not public\n",
    ):
        (finding,) = check("KG401", text)
        assert finding.fix is None, text


def test_decay_fix_names_the_schedule_through_the_files_imports():
    def fixed(text: str) -> str:
        return apply_fixes(text, check("KG402", text))

    # a bound name that reaches the schedules module is used, the nearest one first
    assert "tf.keras.optimizers.schedules.InverseTimeDecay(" in fixed(
        "import tensorflow as tf\nopt = tf.keras.optimizers.SGD(lr=1, decay=2)\n"
    )
    assert "(learning_rate=optimizers.schedules.InverseTimeDecay(0.001," in fixed(
        "import keras\nfrom keras import optimizers\nopt = optimizers.Adam(decay=2)\n"
    )
    # otherwise one import line of the optimizer's family, after the last import
    text = fixed("from tensorflow.keras.optimizers import SGD\nimport numpy as np\n\na = SGD(decay=1)\nb = SGD(decay=2)\n")
    assert text.startswith(
        "from tensorflow.keras.optimizers import SGD\nimport numpy as np\n"
        "from tensorflow.keras.optimizers.schedules import InverseTimeDecay\n\n"
    )
    assert text.count("import InverseTimeDecay") == 1
    # a name bound after the call, or rebound anywhere, is not relied on
    assert "import InverseTimeDecay" in fixed("from keras.optimizers import SGD\na = SGD(decay=1)\nimport keras\n")
    assert "import InverseTimeDecay" in fixed("import keras\nfrom keras.optimizers import SGD\nkeras = None\na = SGD(decay=1)\n")
    # a user's own InverseTimeDecay is not shadowed: no fix
    (finding,) = check("KG402", "from keras.optimizers import Adam\nfrom mylib import InverseTimeDecay\nopt = Adam(decay=1e-6)\n")
    assert finding.fix is None


def test_decay_import_goes_with_the_first_unsilenced_fix():
    text = "from keras.optimizers import SGD\na = SGD(decay=1)  # noqa: KG402\nb = SGD(decay=2)\n"
    first, second = check("KG402", text)
    assert first.fix is not None and not any("import" in e.content for e in first.fix.edits)
    assert second.fix is not None and any("import InverseTimeDecay" in e.content for e in second.fix.edits)


def test_decay_on_a_schedule_is_left_alone():
    for text in (
        "import keras\ns = keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9)\n"
        "opt = keras.optimizers.Adam(learning_rate=s, decay=1e-6)\n",
        "import keras\nopt = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, 9), decay=1e-6)\n",
        "import keras\nopt = keras.optimizers.Adam(*a, decay=1e-6)\n",
        "import keras\nopt = keras.optimizers.Adam(decay=1e-6, **kw)\n",
    ):
        (finding,) = check("KG402", text)
        assert finding.fix is None, text


def test_decay_hint_and_fix_give_the_equivalent_schedule():
    text = "import keras\n\nopt = keras.optimizers.SGD(learning_rate=0.1, decay=1e-4)\n"
    (finding,) = check("KG402", text)
    assert "InverseTimeDecay" in finding.hint and "decay_steps=1" in finding.hint
    assert apply_fixes(text, [finding]) == (
        "import keras\n\nopt = keras.optimizers.SGD("
        "learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1e-4))\n"
    )


# ---------------------------------------------------------------------------
# Keras's own sources: Keras may use keras.src


def _installed_keras_dir():
    spec = importlib.util.find_spec("keras")  # locates keras without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


@pytest.mark.slow
def test_keras_own_applications_sources_are_clean():
    keras_dir = _installed_keras_dir()
    if keras_dir is None:
        pytest.skip("keras is not installed")
    files = sorted(glob.glob(os.path.join(keras_dir, "src", "applications", "*.py")))
    assert files
    for path in files:
        text = Path(path).read_text()
        assert check_all(text, path) == [], path
        # A copy outside site-packages (vendored, or the benchmark's temporary
        # copy) is still a piece of Keras: it publishes Keras API with keras_export.
        assert check_all(text, os.path.join("myproject", os.path.basename(path))) == [], path


def test_keras_internals_are_recognised_by_content_not_by_keras_src_alone():
    internal = "from keras.src.api_export import keras_export\nfrom keras.src.layers import Dense\n"
    tests = "from keras.src import backend, testing\nfrom keras.src.layers import Dense\n"
    user = "from keras.src import backend\nfrom keras.src.layers import Dense  # expect\n"
    assert check("KG401", internal, "vendor/inception_v3.py") == []
    assert check("KG401", tests, "vendor/dense_test.py") == []
    assert len(check("KG401", user, "app/model.py")) == 2


def test_keras_package_detection(tmp_path):
    package = tmp_path / "site-packages" / "keras"
    (package / "src" / "layers").mkdir(parents=True)
    for init in (package / "__init__.py", package / "src" / "__init__.py"):
        init.write_text("")
    inside = package / "src" / "layers" / "dense.py"
    inside.write_text("from keras.src import ops\n")
    api = package / "__init__.py"
    user = tmp_path / "project" / "keras" / "train.py"  # a user folder named keras, no src package
    user.parent.mkdir(parents=True)
    user.write_text("from keras.src import ops\n")
    assert inside_keras_package(str(inside)) and inside_keras_package(str(api))
    assert not inside_keras_package(str(user))
    assert not inside_tensorflow_package(str(inside))
    text = "from keras.src.layers import Dense\n"
    assert check("KG401", text, str(inside)) == []
    assert len(check("KG401", text, str(user))) == 1


def test_tensorflow_own_files_may_use_its_keras_copy(tmp_path):
    package = tmp_path / "tensorflow"
    (package / "python" / "keras").mkdir(parents=True)
    for init in (package / "__init__.py", package / "python" / "__init__.py"):
        init.write_text("")
    inside = package / "python" / "layers.py"
    user = tmp_path / "project" / "train.py"
    user.parent.mkdir()
    text = "from tensorflow.python.keras.engine import base_layer\nfrom keras.engine.training import Model\n"
    # inside TensorFlow only its own private copy is fine, not keras.engine
    assert [f.line for f in check("KG401", text, str(inside))] == [2]
    assert [f.line for f in check("KG401", text, str(user))] == [1, 2]
    # TensorFlow's Keras 2 copy defines the Keras 2 training API it uses
    training = "import tensorflow as tf\n\nmodel.compile('sgd', 'mse', sample_weight_mode=None)\nmodel.fit_generator(g)\n"
    assert check("KG402", training, str(inside)) == []
    assert len(check("KG402", training, str(user))) == 2


# ---------------------------------------------------------------------------
# The mapping table against the real Keras 3


def test_private_and_public_classification():
    assert is_private("keras.engine.training.Model")
    assert is_private("tensorflow.keras.engine")
    assert is_private("keras.layers.merge.concatenate")
    assert is_private("keras.src.layers.Dense")
    assert is_private("tensorflow.python.keras.layers.Dense")
    assert not is_private("keras.layers.Dense")
    assert not is_private("tensorflow.keras.layers.Dense")
    assert not is_private("tf_keras.src.engine.training")
    assert not is_private("engine.training.Model")
    assert public_targets("keras.engine.training.Model")[0] == ("keras.Model", "keras.models.Model")
    assert public_targets("tensorflow.python.keras.engine.training.Model")[0][0] == "tensorflow.keras.Model"
    assert public_targets("keras.src.layers.core.dense.Dense")[0] == ("keras.layers.Dense",)
    assert public_targets("keras.engine.functional.Functional")[0] == ()


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _resolve(keras, dotted: str):
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


@pytest.mark.slow
def test_every_mapping_target_exists_in_keras(keras):
    for source, targets in ENGINE_NAMES.items():
        objects = [_resolve(keras, f"keras.{t}") for t in targets]
        # alternatives are the same object (keras.Model is keras.models.Model)
        assert all(o is objects[0] for o in objects), source
        leaf = source.rsplit(".", 1)[1]
        assert getattr(objects[0], "__name__", leaf) == leaf, source
    for namespace, names in _PUBLIC_NAMES.items():
        module = _resolve(keras, f"keras.{namespace}" if namespace else "keras")
        missing = sorted(n for n in names if not hasattr(module, n))
        assert not missing, (namespace, missing)
    for name, home in _TOP_LEVEL_HOME.items():
        assert getattr(getattr(keras, name), "__module__", home) == home, name


@pytest.mark.slow
def test_keras_src_targets_are_the_same_objects(keras):
    for private in (
        "keras.src.layers.Dense",
        "keras.src.layers.core.dense.Dense",
        "keras.src.models.Model",
        "keras.src.models.model.Model",
        "keras.src.layers.merging.concatenate.Concatenate",
        "keras.src.optimizers.adam.Adam",
        "keras.src.callbacks.EarlyStopping",
    ):
        targets, _ = public_targets(private)
        assert targets, private
        for target in targets:
            assert _resolve(keras, target) is _resolve(keras, private), (private, target)


@pytest.mark.slow
def test_public_names_under_keras_src_are_the_same_objects(keras):
    """`keras.src.<ns>.<Name>` -> `keras.<ns>.<Name>` is only right if they are one object."""
    for namespace, names in _PUBLIC_NAMES.items():
        if not namespace:
            continue
        private = importlib.import_module(f"keras.src.{namespace}")
        public = importlib.import_module(f"keras.{namespace}")
        different = [n for n in names if hasattr(private, n) and getattr(private, n) is not getattr(public, n)]
        assert not different, (namespace, different)


@pytest.mark.slow
def test_fixed_seed_model_builds_with_keras3(keras):
    """The KG401 fixture, fixed, is valid Keras 3: its construct_model builds a keras.Model."""
    text = BUG_FIXTURES["KG401"].read_text()
    fixed = apply_fixes(text, check_all(text))
    assert "keras.Model(model.inputs, new_output)" in fixed
    namespace = {"__name__": "kg401_fixture_fixed"}
    exec(compile(fixed, str(BUG_FIXTURES["KG401"]), "exec"), namespace)
    model = namespace["construct_model"](use_imagenet=False)
    assert isinstance(model, keras.Model)
    assert len(model.layers) > 300  # every InceptionV3 layer is kept


@pytest.mark.slow
def test_fixed_optimizer_and_generator_calls_run_with_keras3(keras):
    import numpy as np

    text = (
        "import keras\n\n"
        "def train(model, gen):\n"
        "    model.compile(keras.optimizers.Adam(lr=1e-3, decay=0.0), 'mse')\n"
        "    model.fit_generator(gen, 2, 1, 0, use_multiprocessing=False)\n"
        "    return model.predict_generator(gen, 1, workers=1)\n"
    )
    fixed = apply_fixes(text, check_all(text))
    assert check_all(fixed) == []
    namespace: dict = {}
    exec(compile(fixed, "<fixed>", "exec"), namespace)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))

    def gen():
        while True:
            yield np.zeros((4, 3), "float32"), np.zeros((4, 1), "float32")

    assert namespace["train"](model, gen()).shape == (4, 1)
