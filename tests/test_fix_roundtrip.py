"""`--fix` round trip on Keras 2 era scripts, through the real CLI.

The contract (from the issue): `--fix` on files with KG401/KG402 leaves files
that compile and have no KG401/KG402 left; a second `--fix` changes nothing.
Every script below mixes the patterns in a different import style (`import
keras`, `from keras.optimizers import Adam`, `from tensorflow.keras.optimizers
import SGD`, `import tensorflow as tf`, aliases, `keras.src`, local imports,
CRLF, `# noqa`).  The decay rewrite is also checked numerically with Keras 3.
"""

from __future__ import annotations

import io
import json
import math
import runpy
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPTS: dict[str, str] = {
    "import_keras.py": '''"""Keras 2 script: import keras."""
import numpy as np
import keras
from keras.engine.training import Model
from keras.layers.merge import concatenate

inp = keras.Input((8,))
out = keras.layers.Dense(1)(concatenate([inp, inp]))
model = Model(inp, out)
opt = keras.optimizers.Adam(0.001, decay=1e-6)
sgd = keras.optimizers.SGD(lr=0.01, momentum=0.9, decay=1e-4, nesterov=True)
rms = keras.optimizers.RMSprop(decay=1e-5)  # no lr
model.compile(optimizer=opt, loss="mse", sample_weight_mode="temporal")
model.fit(np.zeros((4, 8)), np.zeros((4, 1)), epochs=1, workers=4, use_multiprocessing=True)
model.fit_generator(gen, 10, 2, workers=8, max_queue_size=20, use_multiprocessing=True)
model.evaluate(x, y, max_queue_size=5)
model.predict(x,
              workers=2,  # parallel
              use_multiprocessing=True)
''',
    "from_optimizers.py": '''from keras.optimizers import Adam
from keras.models import Sequential
from keras.layers import Dense

INIT_LR = 1e-3
EPOCHS = 25

model = Sequential([Dense(1)])
opt = Adam(lr=INIT_LR, decay=INIT_LR / EPOCHS)
model.compile(loss="mse", optimizer=opt)
H = model.fit_generator(
    train_gen,
    steps_per_epoch=100,
    epochs=EPOCHS,
    max_queue_size=10,
    workers=4,  # threads
    use_multiprocessing=True,
)
''',
    "tf_keras_sgd.py": '''from tensorflow.keras.optimizers import SGD
from tensorflow.keras.models import Model


def make_opt(lr):
    return SGD(lr=lr, decay=lr / 50, momentum=0.9)


def train(model, seq):
    model.compile(optimizer=make_opt(0.1), loss="categorical_crossentropy")
    model.fit(seq, epochs=3, workers=6, use_multiprocessing=True, max_queue_size=32)
    return model.evaluate_generator(seq, steps=5, workers=6)
''',
    "tf_module.py": '''import tensorflow as tf

opt = tf.keras.optimizers.RMSprop(lr=1e-4, decay=1e-6)
opt2 = tf.keras.optimizers.Adagrad(decay=0.01)
base = tf.keras.engine.input_layer.Input(shape=(3,))
from tensorflow.python.keras.layers import Dense
model.compile(optimizer=tf.keras.optimizers.Nadam(
    lr=2e-3,  # faster
    decay=4e-3,
), loss="mse")
model.fit(x, y, nb_epoch=5, use_multiprocessing=False)
''',
    "aliases.py": '''import keras as K
from keras import optimizers as O
import keras.src.layers as kl

x = kl.Dense(3)(kl.Input((2,)))
a = O.Adamax(decay=1e-3)
b = K.optimizers.Adadelta(1.0, decay=1e-4)
c = K.src.optimizers.Adam(lr=1e-3, decay=1e-6)
''',
    "tf_from_only.py": '''from tensorflow.keras.optimizers import Adam, SGD
from tensorflow.keras.layers import Dense  # layers

a = Adam(decay=1e-6)
b = SGD(0.1, decay=1e-3)
''',
    "keras_src.py": '''from keras.src.optimizers import Adam
from keras.src.models import Model

opt = Adam(lr=0.01, decay=0.001)
''',
    "keras1.py": '''import keras

model.fit_generator(gen, samples_per_epoch=1000, nb_epoch=5, nb_val_samples=100, validation_data=vgen, nb_worker=4, pickle_safe=True)
model.predict_generator(gen, val_samples=100, max_q_size=5)
model.fit(x, y, epochs=3, nb_epoch=5)
''',
    "local_import.py": '''"""Trains with a locally imported optimizer."""
from __future__ import annotations


def train(model, gen):
    from keras.optimizers import Adam, SGD
    opt = Adam(lr=1e-3, decay=1e-6)
    model.compile(opt, "mse")
    model.fit_generator(gen, steps_per_epoch=10, epochs=2, workers=4, use_multiprocessing=True)
    return SGD(decay=1e-4)
''',
    "noqa.py": '''from keras.optimizers import RMSprop

keep = RMSprop(lr=0.1, decay=0.5)  # noqa: KG402
fixed = RMSprop(lr=0.1, decay=0.5)
also = RMSprop(decay=0.25)
''',
    "shim.py": '''try:
    from tensorflow.keras.optimizers import SGD
except ImportError:
    from keras.optimizers import SGD

sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
''',
    "trainer_class.py": '''import tensorflow as tf
from tensorflow import keras


class Trainer:
    def __init__(self, model, lr=1e-3):
        self.model = model
        self.opt = keras.optimizers.Adam(
            lr=lr,  # initial rate
            beta_1=0.9,
            decay=lr / 100,  # per step
            amsgrad=True,
        )

    def run(self, seq, **fit_kwargs):
        self.model.compile(self.opt, loss="mse", sample_weight_mode=None)
        self.model.fit(seq, epochs=2, workers=4, use_multiprocessing=True, **fit_kwargs)
        self.model.fit(
            seq,
            epochs=2,
            max_queue_size=16,
            workers=4,
        )
        return self.model.predict_generator(seq, val_samples=100, max_q_size=5)
''',
    "misc_layouts.py": '''import keras
from keras import optimizers

opt = optimizers.Nadam(lr=0.002, decay=1e-4)
opt2 = optimizers.Adam(decay=(1e-6  # tiny
                              ))
opt3 = keras.optimizers.Adam(lr=1e-3, learning_rate=5e-4, decay=0.0)
model.fit(x, y,
          workers=2,
          use_multiprocessing=True)
model.fit(x, y, workers=1,  # w
          use_multiprocessing=False)
model.evaluate(x, y, use_multiprocessing=True, workers=8)
model.fit(workers=1, use_multiprocessing=False, max_queue_size=10,)
model.fit_generator(generator=train_seq, samples_per_epoch=(n + 1) * 2, epochs=2)
''',
    # KG401 makes these public in the same pass; KG402 fixes their arguments
    # in that pass too (two Keras flavours: one added import serves both).
    "private_optimizers.py": '''from tensorflow.python.keras.optimizers import Adam
import tensorflow.python.keras as tfk
from keras.src.optimizers.adam import Adam as A2
import keras.src.optimizers as ko

a = Adam(lr=1e-3, decay=1e-6)
b = tfk.optimizers.SGD(lr=0.1, decay=1e-2)
c = A2(lr=0.1, decay=1e-2)
d = ko.Adamax(decay=1e-2)
''',
    "sequence_trainer.py": '''import keras
from keras.layers import Dense


class Seq(keras.utils.Sequence):
    pass


def train(model):
    model.fit_generator(generator=Seq(), epochs=3, workers=4, use_multiprocessing=True,
                        max_queue_size=8, shuffle=True)
    model.compile(optimizer=keras.optimizers.SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True),
                  loss="categorical_crossentropy", metrics=["accuracy"])
''',
}
# The same scripts with Windows line endings must come out the same way.
SCRIPTS["crlf.py"] = SCRIPTS["from_optimizers.py"].replace("\n", "\r\n")
SCRIPTS["crlf_no_final_newline.py"] = "from keras.optimizers import Adam\r\nopt = Adam(lr=0.01,\r\n           decay=1e-3)  # crlf"


def kgraphlint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--no-cache", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )


def remaining(path: Path) -> list[dict]:
    proc = kgraphlint("--select", "KG401,KG402", "--format", "json", str(path))
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["findings"]


def comments(text: str) -> list[str]:
    return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.py"))}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in SCRIPTS.items():
        (tmp_path / name).write_bytes(text.encode())
    for name in ("kg401_private_keras_api.py", "kg402_removed_training_api.py"):
        (tmp_path / name).write_bytes((ROOT / "fixtures" / "bugs" / name).read_bytes())
    return tmp_path


@pytest.mark.slow
def test_fix_leaves_compiling_files_without_kg401_kg402_and_is_idempotent(project: Path):
    before = snapshot(project)
    assert all(remaining(project / name) for name in before), "every script has something to fix"
    proc = kgraphlint("--fix", str(project))
    assert "invalid Python" not in proc.stderr, proc.stderr
    after = snapshot(project)
    for name, data in after.items():
        text = data.decode()
        compile(text, name, "exec")
        assert data != before[name], name
        assert comments(text) == comments(before[name].decode()), name
        assert (b"\r\n" in data) == (b"\r\n" in before[name]), name
    left = remaining(project)
    # The one `# noqa: KG402` line is silenced, so it is not "left".
    assert left == [], [(f["path"], f["line"], f["message"]) for f in left]
    proc = kgraphlint("--fix", str(project))
    assert "Fixed" not in proc.stderr, proc.stderr
    assert snapshot(project) == after


def test_fixed_text_of_each_pattern(project: Path):
    kgraphlint("--fix", str(project))
    read = lambda name: (project / name).read_bytes().decode()  # noqa: E731
    text = read("import_keras.py")
    assert "keras.optimizers.Adam(keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-6))" in text
    assert ("keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay("
            "0.01, decay_steps=1, decay_rate=1e-4), momentum=0.9, nesterov=True)") in text
    # no lr: Keras 3's default learning rate of RMSprop
    assert "RMSprop(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-5))  # no lr" in text
    assert 'model.compile(optimizer=opt, loss="mse")\n' in text
    assert "model.fit(np.zeros((4, 8)), np.zeros((4, 1)), epochs=1)\n" in text
    assert "model.fit(gen, steps_per_epoch=10, epochs=2)\n" in text
    text = read("from_optimizers.py")
    assert "from keras.layers import Dense\nfrom keras.optimizers.schedules import InverseTimeDecay\n" in text
    assert text.count("import InverseTimeDecay") == 1
    assert "Adam(learning_rate=InverseTimeDecay(INIT_LR, decay_steps=1, decay_rate=INIT_LR / EPOCHS))" in text
    assert "    epochs=EPOCHS,\n    # threads\n)\n" in text
    text = read("tf_keras_sgd.py")
    assert "from tensorflow.keras.optimizers.schedules import InverseTimeDecay\n" in text
    text = read("tf_module.py")
    assert "tf.keras.optimizers.RMSprop(learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay(1e-4," in text
    assert "import InverseTimeDecay" not in text
    text = read("aliases.py")
    assert "K.optimizers.Adam(learning_rate=O.schedules.InverseTimeDecay(1e-3, decay_steps=1, decay_rate=1e-6))" in text
    text = read("keras1.py")
    assert ('model.fit(gen, steps_per_epoch=1000 // getattr(gen, "batch_size", 1), epochs=5, '
            "validation_steps=100, validation_data=vgen)") in text
    assert "model.predict(gen, steps=100)" in text
    assert "model.fit(x, y, epochs=5)" in text  # Keras 2's fit let nb_epoch win
    text = read("local_import.py")
    # added after the last top-level import (the __future__ one), used in the function
    assert text.startswith('"""Trains with a locally imported optimizer."""\nfrom __future__ import annotations\n'
                           "from keras.optimizers.schedules import InverseTimeDecay\n")
    assert "SGD(learning_rate=InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-4))" in text
    text = read("noqa.py")
    assert "keep = RMSprop(lr=0.1, decay=0.5)  # noqa: KG402" in text
    assert text.count("import InverseTimeDecay") == 1
    text = read("misc_layouts.py")
    assert "opt3 = keras.optimizers.Adam(learning_rate=1e-3)" in text
    assert "model.fit(workers" not in text and "model.fit()" in text
    assert 'steps_per_epoch=((n + 1) * 2) // getattr(train_seq, "batch_size", 1)' in text
    text = read("private_optimizers.py")
    assert text.count("import InverseTimeDecay") == 1
    assert "d = ko.Adamax(learning_rate=InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-2))" in text
    assert "    model.fit(x=Seq(), epochs=3, shuffle=True)\n" in read("sequence_trainer.py")
    assert read("crlf_no_final_newline.py") == (
        "from keras.optimizers import Adam\r\nfrom keras.optimizers.schedules import InverseTimeDecay\r\n"
        "opt = Adam(learning_rate=InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-3))  # crlf"
    )


# Cases with no mechanical rewrite: still reported, never "fixed", and the
# second --fix is a no-op on them too.
UNFIXABLE = '''import keras

sched = keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9)
opt = keras.optimizers.Adam(learning_rate=sched, decay=1e-6)
opt3 = keras.optimizers.Adam(*args, decay=1e-6)
opt4 = keras.optimizers.Adam(decay=1e-6, **opt_kwargs)
m.fit_generator(*args, **kwargs)
m.fit_generator(g, 10, 2, 1, [], None, None, None)
m.fit(datagen.flow(x, y, batch_size=32), samples_per_epoch=len(x), epochs=3)
m.compile("sgd", "mse", target_tensors=[y_t])
f = keras.engine.functional.Functional
'''


def test_unfixable_cases_stay_reported_and_untouched(tmp_path: Path):
    path = tmp_path / "unfixable.py"
    path.write_text(UNFIXABLE)
    found = remaining(path)
    assert sorted({f["line"] for f in found}) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert all(f["fix"] is None for f in found)
    proc = kgraphlint("--fix", str(path))
    assert "Fixed" not in proc.stderr
    assert path.read_text() == UNFIXABLE


# ---------------------------------------------------------------------------
# The decay rewrite, numerically, with Keras 3

DECAY_SCRIPT = '''import keras
from keras import optimizers as O
from keras.optimizers import Adam, SGD
from keras.src.optimizers import RMSprop

opt_keyword = keras.optimizers.SGD(lr=0.1, decay=1e-2, momentum=0.9)
opt_positional = keras.optimizers.Adam(0.001, decay=1e-3)
opt_learning_rate = O.Adagrad(learning_rate=0.05, decay=0.5)
opt_default_sgd = SGD(decay=1e-4)
opt_default_adam = Adam(decay=2e-3)
opt_src = RMSprop(lr=0.002, decay=1e-1)
opt_both = keras.optimizers.Nadam(lr=0.02, learning_rate=1.0, decay=0.25)
'''
EXPECTED = {  # name: (initial rate Keras 2 used, decay)
    "opt_keyword": (0.1, 1e-2),
    "opt_positional": (0.001, 1e-3),
    "opt_learning_rate": (0.05, 0.5),
    "opt_default_sgd": (0.01, 1e-4),  # Keras 3 SGD default learning_rate
    "opt_default_adam": (0.001, 2e-3),
    "opt_src": (0.002, 1e-1),
    "opt_both": (0.02, 0.25),  # Keras 2.3+ / tf.keras: lr wins over learning_rate
}


@pytest.mark.slow
def test_decay_rewrite_matches_keras2_schedule(tmp_path: Path):
    keras = pytest.importorskip("keras")
    path = tmp_path / "decay.py"
    path.write_text(DECAY_SCRIPT)
    kgraphlint("--fix", str(path))
    assert remaining(path) == []
    namespace = runpy.run_path(str(path))
    for name, (lr, decay) in EXPECTED.items():
        opt = namespace[name]
        assert isinstance(opt, keras.optimizers.Optimizer), name
        assert isinstance(opt._learning_rate, keras.optimizers.schedules.InverseTimeDecay), name
        for k in (0, 1, 7, 100, 12345):
            # Keras 2 (keras/optimizers.py, tf.keras OptimizerV2._decayed_lr):
            # lr_t = lr / (1 + decay * iterations), iterations counted before the update.
            opt.iterations.assign(k)
            got = float(keras.ops.convert_to_numpy(opt.learning_rate))
            assert math.isclose(got, lr / (1 + decay * k), rel_tol=1e-6), (name, k, got)


@pytest.mark.slow
def test_decay_rewrite_trains_a_step(tmp_path: Path):
    """The rewritten optimizer of a tf.keras-style file really trains (and decays) in Keras 3."""
    keras = pytest.importorskip("keras")
    import numpy as np

    path = tmp_path / "train.py"
    path.write_text(
        "from keras.optimizers import SGD\n\n"
        "def build():\n"
        "    import keras\n"
        "    inputs = keras.Input((3,))\n"
        "    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))\n"
        "    model.compile(SGD(lr=0.1, decay=0.5), 'mse')\n"
        "    return model\n"
    )
    kgraphlint("--fix", str(path))
    model = runpy.run_path(str(path))["build"]()
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == 2
    rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    assert math.isclose(rate, 0.1 / (1 + 0.5 * 2), rel_tol=1e-6)


@pytest.mark.slow
def test_default_learning_rates_are_keras3s(tmp_path: Path):
    keras = pytest.importorskip("keras")
    import inspect

    from kgraphlint.rules.kg402_removed_training_api import DEFAULT_LEARNING_RATES

    for name, default in DEFAULT_LEARNING_RATES.items():
        params = list(inspect.signature(getattr(keras.optimizers, name).__init__).parameters.values())
        # the first parameter is the learning rate (positional `Adam(0.001, ...)` is rewritten as such)
        assert params[1].name == "learning_rate", name
        assert params[1].default == float(default), name
