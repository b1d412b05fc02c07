"""The tracer on real scripts and hostile ones, with real TensorFlow (slow).

One traced run (one ``python`` process driving ``lint_paths``, so one worker
start importing TensorFlow) over:

- realistic, correct scripts in the styles of keras.io examples, books and
  Kaggle notebooks that load ``keras.datasets``, ``get_file`` archives, images
  from directories, missing ``.npy`` files, pandas CSVs, use ``tf.data``, save
  checkpoints, logs and predictions: no error-level finding, and where the data
  cannot be had, a "not fully traced" skip with the reason;
- hostile probes, each followed by an innocent file that must trace clean:
  writing into the project, UDP to 127.0.0.1, subprocesses, signalling the
  parent, a forked child that lingers, patching Keras, editing ``sys.modules``,
  writing to the protocol channel and forging messages on stdout, changing
  cwd/environment/recursion limit/signal handlers.

Afterwards no process of the run is alive and no ``kgraphlint-trace-*``
directory is left.  Ctrl-C (twice) and SIGTERM end a run in seconds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("tensorflow")

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]

DRIVER = """
import json, sys
from kgraphlint.lint import lint_paths
result = lint_paths(sys.argv[1:], trace=True, use_cache=False)
print(json.dumps({
    "findings": [f.to_dict() for f in result.findings],
    "skipped": [s.to_dict() for s in result.skipped],
    "errors": [e.to_dict() for e in result.errors],
}))
"""

# Correct programs: file name -> source.
REALISTIC: dict[str, str] = {}

REALISTIC['flowers.py'] = r'''
"""keras.io style: download an archive, read it with image_dataset_from_directory."""
import pathlib

import keras
import tensorflow as tf
from keras import layers

dataset_url = "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
data_dir = keras.utils.get_file("flower_photos.tar", origin=dataset_url, extract=True)
data_dir = pathlib.Path(data_dir) / "flower_photos"
image_count = len(list(data_dir.glob("*/*.jpg")))
print(image_count)

batch_size = 32
img_height = 180
img_width = 180
train_ds = keras.utils.image_dataset_from_directory(
    data_dir, validation_split=0.2, subset="training", seed=123,
    image_size=(img_height, img_width), batch_size=batch_size)
val_ds = keras.utils.image_dataset_from_directory(
    data_dir, validation_split=0.2, subset="validation", seed=123,
    image_size=(img_height, img_width), batch_size=batch_size)
class_names = train_ds.class_names
for image_batch, labels_batch in train_ds:
    print(image_batch.shape, labels_batch.shape)
    break
AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)
num_classes = len(class_names)

model = keras.Sequential([
    layers.Input((img_height, img_width, 3)),
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(num_classes),
])
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=10)
acc = history.history["accuracy"]
val_acc = history.history["val_accuracy"]
'''

REALISTIC['cats_dogs_zip.py'] = r'''
import os
import zipfile

import keras
from keras import layers

_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
path_to_zip = keras.utils.get_file("cats_and_dogs.zip", origin=_URL, extract=False)
with zipfile.ZipFile(path_to_zip) as archive:
    archive.extractall(os.path.dirname(path_to_zip))
PATH = os.path.join(os.path.dirname(path_to_zip), "cats_and_dogs_filtered")
train_dir = os.path.join(PATH, "train")
train_dataset = keras.utils.image_dataset_from_directory(train_dir, shuffle=True, batch_size=32, image_size=(160, 160))


def build_model():
    base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights="imagenet", alpha=0.35)
    base.trainable = False
    inputs = keras.Input(shape=(160, 160, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(1)(x)
    return keras.Model(inputs, outputs)


model = build_model()
'''

REALISTIC['imdb_lstm.py'] = r'''
import numpy as np
import keras
from keras import layers

max_features = 20000
maxlen = 200
(x_train, y_train), (x_val, y_val) = keras.datasets.imdb.load_data(num_words=max_features)
print(len(x_train), "Training sequences")
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)
word_index = keras.datasets.imdb.get_word_index()
reverse = {v + 3: k for k, v in word_index.items()}
print(" ".join(reverse.get(i, "?") for i in x_train[0]))
assert len(np.unique(y_train)) == 2

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(max_features, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val))
'''

REALISTIC['cifar_tfdata_ckpt.py'] = r'''
import os

import numpy as np
import tensorflow as tf
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
num_classes = 10
x_train = x_train.astype("float32") / 255.0
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)
assert y_train.shape[1] == num_classes
train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1024).batch(64).prefetch(tf.data.AUTOTUNE)


def make_model(input_shape=(32, 32, 3)):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))


model = make_model()
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
os.makedirs("checkpoints", exist_ok=True)
callbacks = [
    keras.callbacks.ModelCheckpoint("checkpoints/best.keras", save_best_only=True),
    keras.callbacks.EarlyStopping(patience=3),
    keras.callbacks.CSVLogger("training.log"),
]
history = model.fit(train, epochs=20, validation_data=(x_test, y_test), callbacks=callbacks)
score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0], "accuracy:", score[1])
model.save("cifar_model.keras")
model.save_weights("checkpoints/final.weights.h5")
np.save("predictions.npy", model.predict(x_test[:4]))
ckpt = tf.train.Checkpoint(model=model)
ckpt.save("tf_ckpt/ckpt")
weights = keras.utils.get_file("pretrained.weights.h5", origin="https://example.com/pretrained.weights.h5")
model.load_weights(weights)
with open("summary.txt", "w") as fh:
    model.summary(print_fn=lambda line: fh.write(line + "\n"))
'''

REALISTIC['boston.py'] = r'''
import keras
from keras import layers

(train_data, train_targets), (test_data, test_targets) = keras.datasets.boston_housing.load_data()
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
train_data = (train_data - mean) / std
test_data = (test_data - mean) / std


def build_model():
    model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


k = 4
num_val_samples = len(train_data) // k
all_scores = []
for i in range(k):
    val_data = train_data[i * num_val_samples: (i + 1) * num_val_samples]
    model = build_model()
    model.fit(train_data, train_targets, epochs=100, batch_size=16, verbose=0)
    val_mse, val_mae = model.evaluate(val_data, train_targets[:num_val_samples], verbose=0)
    all_scores.append(val_mae)
'''

REALISTIC['net_download.py'] = r'''
import urllib.request
import keras
from keras import layers

urllib.request.urlretrieve("https://example.com/data/labels.txt", "labels.txt")
labels = open("labels.txt").read().splitlines()


def build():
    inputs = keras.Input((16,))
    return keras.Model(inputs, layers.Dense(4)(inputs))
'''

REALISTIC['mnist_module_level.py'] = r'''
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
num_classes = len(set(y_train.tolist()))
y_train = keras.utils.to_categorical(y_train, num_classes)


def build():
    inputs = keras.Input((784,))
    x = layers.Dense(64, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))

model = build()
model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, validation_split=0.1)
'''

REALISTIC['mnist_hardcoded_counts.py'] = r'''
"""Course-style MNIST MLP: the sample counts of the real data written out."""
import keras
from keras import layers

(X_train, y_train), (X_test, y_test) = keras.datasets.mnist.load_data()
X_train = X_train.reshape(60000, 784).astype("float32") / 255
X_test = X_test.reshape(10000, 784).astype("float32") / 255
Y_train = keras.utils.to_categorical(y_train, 10)
Y_test = keras.utils.to_categorical(y_test, 10)

inputs = keras.Input(shape=(784,))
x = layers.Dense(512, activation="relu")(inputs)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(X_train, Y_train, batch_size=128, epochs=20, validation_data=(X_test, Y_test))
score = model.evaluate(X_test, Y_test, verbose=0)
print("Test accuracy:", score[1])
'''

REALISTIC['tabular_missing_data.py'] = r'''
"""Tabular model, data from the checkout."""
from __future__ import annotations

import numpy as np
import pandas as pd
import tensorflow as tf
import keras
from keras import layers

gpus = tf.config.list_physical_devices("GPU")
tf.config.experimental.set_memory_growth(gpus[0], True)

df = pd.read_csv("data/train.csv")
x_train = np.load("data/x_train.npy")
y_train = np.load("data/y_train.npy")
n_features = 20


def build_model(n: int = n_features) -> keras.Model:
    inputs = keras.Input((n,))
    meta = keras.Input((3,), name="meta")
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.Dense(32, activation="relu")(x)
    return keras.Model([inputs, meta], layers.Dense(1, activation="sigmoid")(x))


model = build_model()
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3)
'''
REALISTIC = {name: source.lstrip("\n") for name, source in REALISTIC.items()}
# Why each of these cannot be fully traced offline (the rest trace fully).
EXPECTED_SKIPS = {
    "cats_dogs_zip.py": "uses the download of https://storage.googleapis.com/"
    "mledu-datasets/cats_and_dogs_filtered.zip, which tracing does not download",
    "net_download.py": "opens a network connection",
    "tabular_missing_data.py": "needs a GPU",
}

INNOCENT = """\
import keras
from keras import layers


def build():
    inputs = keras.Input((8,))
    x = layers.Dense(4, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(1)(x))
"""

BUILDER = """

def build():
    inputs = keras.Input((8,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))
"""

# Hostile probes: name -> (source, what the probe's own report must say).
# ``{VICTIM}``, ``{PORT}``, ``{MARKER}`` are filled in by the test.
HOSTILE: dict[str, tuple[str, str]] = {
    "write_project": (
        "import keras\n"
        "with open({VICTIM!r}, 'a') as fh:\n"
        "    fh.write('# appended by a traced file\\n')\n" + BUILDER,
        "skip: not fully traced: writes ",
    ),
    "udp": (
        "import socket\nimport keras\n"
        "sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "sock.sendto(b'leak', ('127.0.0.1', {PORT}))\n" + BUILDER,
        "skip: not fully traced: opens a network connection",
    ),
    "subprocess": (
        "import subprocess\nimport keras\n"
        "subprocess.run(['touch', {MARKER!r}])\n" + BUILDER,
        "skip: not fully traced: starts another program",
    ),
    "kill_parent": (
        "import os, signal\nimport keras\n"
        "os.kill(os.getppid(), signal.SIGTERM)\n" + BUILDER,
        "skip: not fully traced: sends signal",
    ),
    "fork_linger": (
        "import os, time\nimport keras\n"
        "if os.fork() == 0:\n"
        "    time.sleep(600)\n" + BUILDER,
        "clean",
    ),
    "patch_keras": (
        "import keras\n"
        "keras.layers.Dense.__call__ = lambda self, *args, **kwargs: None\n"
        "keras.Model = object\n",
        "clean",
    ),
    "sys_modules": (
        "import sys, types\nimport keras\n"
        "sys.modules['keras'] = types.ModuleType('keras')\n",
        "clean",
    ),
    "protocol_fd": (
        "import json, os, stat\nimport keras\n"
        "forged = json.dumps({{'facts': {{}}, 'ready': True, 'restart': False}}).encode() + b'\\n'\n"
        "for name in os.listdir('/proc/self/fd'):\n"
        "    try:\n"
        "        fd = int(name)\n"
        "        if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode):\n"
        "            os.write(fd, b'garbage' + forged)\n"
        "    except (OSError, ValueError):\n"
        "        pass\n" + BUILDER,
        "KG901: private channel",
    ),
    "stdout_forge": (
        "import json, os, sys\nimport keras\n"
        "message = json.dumps({{'facts': {{}}, 'ready': True}})\n"
        "print(message)\n"
        "sys.stdout.write(message + '\\n')\n"
        "os.write(1, message.encode() + b'\\n')\n"
        "os.write(2, message.encode() + b'\\n')\n" + BUILDER,
        "clean",
    ),
    "process_state": (
        "import os, signal, sys\nimport keras\n"
        "os.chdir('/')\n"
        "os.environ['KERAS_BACKEND'] = 'torch'\n"
        "os.environ.pop('PATH', None)\n"
        "sys.setrecursionlimit(60)\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "sys.path.insert(0, '/nonexistent')\n" + BUILDER,
        "clean",
    ),
}


def _marked_processes(mark: str) -> list[int]:
    """Live processes whose environment carries ``mark`` (this run's)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if mark.encode() in fh.read():
                    with open(f"/proc/{entry}/stat") as st:
                        if st.read().split()[2] != "Z":
                            found.append(int(entry))
        except OSError:
            continue
    return found


def _wait_gone(mark: str, seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        alive = _marked_processes(mark)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _environment(tmp: Path, mark: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["TMPDIR"] = str(tmp)
    env["KGRAPHLINT_TEST_RUN_MARK"] = mark
    return env


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("containment")
    project, outside, tmp = root / "project", root / "outside", root / "tmp"
    for d in (project, outside, tmp):
        d.mkdir()
    victim = project / "victim.txt"
    victim.write_text("original\n")
    marker = outside / "subprocess-ran"
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    names: list[str] = []
    for name, source in REALISTIC.items():
        (project / f"a_{name}").write_text(source)
        names.append(f"a_{name}")
    for index, (name, (source, _)) in enumerate(HOSTILE.items()):
        probe = f"h{index:02d}_{name}.py"
        (project / probe).write_text(source.format(VICTIM=str(victim), PORT=port, MARKER=str(marker)))
        (project / f"h{index:02d}_{name}_next.py").write_text(INNOCENT)
        names.append(probe)
    before = sorted(p.name for p in project.iterdir())
    mark = uuid.uuid4().hex
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "."],
        capture_output=True,
        text=True,
        cwd=project,
        env=_environment(tmp, mark),
        timeout=1500,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    try:
        received = listener.recv(100)
    except BlockingIOError:
        received = b""
    listener.close()
    return {
        "report": report,
        "victim": victim.read_text(),
        "marker": marker.exists(),
        "received": received,
        "before": before,
        "after": sorted(p.name for p in project.iterdir()),
        "leftover_dirs": sorted(p.name for p in tmp.iterdir()),
        "alive": _wait_gone(mark),
    }


def _by_file(report: dict) -> dict[str, dict[str, list]]:
    out: dict[str, dict[str, list]] = {}
    for f in report["findings"]:
        out.setdefault(f["path"], {"findings": [], "skipped": []})["findings"].append(f)
    for s in report["skipped"]:
        out.setdefault(s["path"], {"findings": [], "skipped": []})["skipped"].append(s)
    return out


def test_realistic_scripts_have_no_error_level_finding(run) -> None:
    files = _by_file(run["report"])
    for name in REALISTIC:
        entry = files.get(f"a_{name}", {"findings": [], "skipped": []})
        errors = [(f["code"], f["line"], f["message"]) for f in entry["findings"] if f["severity"] == "error"]
        assert errors == [], (name, errors)
        reasons = [s["reason"] for s in entry["skipped"]]
        if name in EXPECTED_SKIPS:
            assert len(reasons) == 1 and reasons[0].startswith("not fully traced: "), (name, reasons)
            assert EXPECTED_SKIPS[name] in reasons[0], (name, reasons)
            assert all(s["stage"] == "trace" for s in entry["skipped"])
        else:
            assert reasons == [], (name, reasons)
    assert run["report"]["errors"] == []


def test_missing_data_and_packages_are_named(run) -> None:
    reason = _by_file(run["report"])["a_tabular_missing_data.py"]["skipped"][0]["reason"]
    assert "package `pandas` is not installed" in reason or "reads data/train.csv" in reason
    assert "reads data/x_train.npy, which does not exist" in reason


def test_model_built_after_failed_data_loading_is_still_checked(run) -> None:
    # The model is built after the failed loads: its unused Input is traced too.
    found = _by_file(run["report"])["a_tabular_missing_data.py"]["findings"]
    assert [(f["code"], f["engine"]) for f in found if f["code"] == "KG102"] == [("KG102", "both")]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_probe_is_contained_and_the_next_file_is_clean(run, name: str) -> None:
    files = _by_file(run["report"])
    index = list(HOSTILE).index(name)
    probe = files.get(f"h{index:02d}_{name}.py", {"findings": [], "skipped": []})
    expected = HOSTILE[name][1]
    if expected == "clean":
        assert [f for f in probe["findings"] if f["severity"] == "error"] == [], probe
    elif expected.startswith("skip: "):
        assert [s["reason"][: len(expected) - 6] for s in probe["skipped"]] == [expected[6:]], probe
        assert [f for f in probe["findings"] if f["severity"] == "error"] == [], probe
    else:
        code, words = expected.split(": ", 1)
        assert [f["code"] for f in probe["findings"]] == [code] and words in probe["findings"][0]["message"]
    innocent = files.get(f"h{index:02d}_{name}_next.py")
    assert innocent is None, innocent  # traced, nothing to report


def test_nothing_escaped(run) -> None:
    assert run["victim"] == "original\n"
    assert run["marker"] is False
    assert run["received"] == b""
    assert run["after"] == run["before"]  # no file written into the project
    assert run["leftover_dirs"] == []  # no kgraphlint-trace-* left behind
    assert run["alive"] == []  # the worker and the forked child are gone


HANGS = """\
import time
import keras


def build():
    open("started", "w").close()
    while True:
        time.sleep(0.05)
"""


def _started(tmp: Path, timeout: float = 600.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list(tmp.glob("kgraphlint-trace-*/worker-*/work/started")):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize(
    "signals,status",
    [
        ((signal.SIGINT,), (130,)),
        # The second Ctrl-C may land after kgraphlint said "interrupted":
        # then Python ends by SIGINT itself, also fine.
        ((signal.SIGINT, signal.SIGINT), (130, -signal.SIGINT)),
        ((signal.SIGTERM,), (143,)),
    ],
)
def test_interrupting_a_trace_ends_everything(tmp_path: Path, signals: tuple, status: tuple) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp_path / "hangs.py").write_text(HANGS)
    mark = uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgraphlint", "--trace", "--no-cache", "hangs.py"],
        cwd=tmp_path,
        env=_environment(tmp, mark),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert _started(tmp), "the worker never started tracing"
        for sig in signals:
            proc.send_signal(sig)
            time.sleep(0.3)
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code in status
    assert _wait_gone(mark, 5.0) == []
    assert list(tmp.iterdir()) == []
