"""A long fuzz run of the real CLI over hostile project trees (opt-in).

    KGRAPHLINT_LONG_FUZZ=300 python -m pytest -q tests/test_fuzz_cli_long.py

runs for about that many seconds (KGRAPHLINT_FUZZ_SEED picks the sequence).
Each round builds a project with mangled Keras programs (bytes flipped,
truncated, NULs, odd encodings), hostile file names (not UTF-8, newlines,
control characters), a random pyproject.toml and a corrupted cache, then runs
``python -m kgraphlint`` in a random format, sometimes with ``--fix``.  Every
run must end in time with status 0, 1 or 2, and never print a traceback or an
internal error.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest

from kgraphlint.cache import CACHE_DIR_NAME

SECONDS = float(os.environ.get("KGRAPHLINT_LONG_FUZZ") or 0)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SECONDS, reason="opt-in: set KGRAPHLINT_LONG_FUZZ=<seconds>"),
]

PROGRAMS = [
    b"from keras.engine.training import Model\nimport keras\n\ninp = keras.Input((4,))\nout = keras.layers.Dense(2)(inp)\nmodel = Model(inp, out)\n",
    b"import keras\nfrom keras import layers\n\ndef build():\n    a = keras.Input((8,))\n    b = keras.Input((3,))\n    x = layers.Dense(4)(a)\n    layers.Dropout(0.5)(x)\n    return keras.Model([a, b], x)\n",
    b"import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(3), tf.keras.layers.Dense(1)])\nmodel.compile('adam', 'mse')\nmodel.fit_generator(gen, epochs=3, workers=4)\n",
    b"import keras\nshared = keras.layers.Dense(8)\nx = keras.Input((8,))\ny = shared(shared(x))  # noqa: KG301\nm = keras.Model(x, y)\nopt = keras.optimizers.Adam(lr=0.1)\n",
]
NAMES = [b"model.py", b"caf\xe9.py", b"two\nlines.py", b"tab\there.py", b"esc\x1b[31m.py", b"sp ace.py", "ünï.py".encode()]
PYPROJECTS = [
    b"", b"tool = 5\n", b"[tool.kgraphlint]\nselect = ['\xff']\n", b"[tool.kgraphlint]\nfail-on = 'error'\n",
    b"[tool.kgraphlint]\nselect = 3\n", b"[tool.kgraphlint]\nexclude = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    b"[tool.kgraphlint]\ntrace.calls = ['model.py:build({1, 2})']\n", b"[tool.kgraphlint\n",
]


def mangle(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randrange(4)):
        op = rng.randrange(5)
        if op == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:
            del data[rng.randrange(len(data) + 1):]
        elif op == 2:
            data[rng.randrange(len(data) + 1):0] = rng.choice([b"(", b"\x00", b"\xff", b"# coding: latin-1\n", b"\r", b"  "])
        elif op == 3:
            data = bytearray(data.decode("latin-1").encode("utf-16")) if rng.random() < 0.3 else data
        else:
            data += rng.choice(PROGRAMS)
    return bytes(data)


def build_tree(root: Path, rng: random.Random) -> None:
    for i in range(rng.randrange(1, 6)):
        name = rng.choice(NAMES)
        directory = root / ("sub" if i % 2 else "")
        directory.mkdir(exist_ok=True)
        path = os.path.join(os.fsencode(directory), name)
        with open(path, "wb") as fh:
            fh.write(mangle(rng.choice(PROGRAMS), rng))
    if rng.random() < 0.5:
        (root / "pyproject.toml").write_bytes(rng.choice(PYPROJECTS))
    if rng.random() < 0.3:
        os.mkfifo(root / "pipe.py")


def corrupt_cache(root: Path, rng: random.Random) -> None:
    for entry in (root / CACHE_DIR_NAME).rglob("*.json"):
        choice = rng.randrange(4)
        if choice == 0:
            entry.write_bytes(rng.choice([b"", b"{", b"[]", b'{"findings": [{"code": 1}], "builders": [], "parsed": true}']))
        elif choice == 1:
            entry.unlink()
            os.symlink("/dev/zero", entry)
        elif choice == 2:
            entry.unlink()
            os.mkfifo(entry)


def test_long_cli_fuzz(cli, tmp_path):
    rng = random.Random(int(os.environ.get("KGRAPHLINT_FUZZ_SEED") or 0))
    deadline = time.monotonic() + SECONDS
    rounds = 0
    while time.monotonic() < deadline:
        root = tmp_path / f"round{rounds}"
        root.mkdir()
        build_tree(root, rng)
        for step in range(2):
            args = ["--format", rng.choice(["text", "json", "sarif", "github", "rich"]), "."]
            if rng.random() < 0.3:
                args.insert(0, "--fix")
            res = cli(*args, cwd=root, timeout=120)
            assert res.returncode in (0, 1, 2), (rounds, args, res.output)
            assert "Traceback" not in res.output and "internal error" not in res.output, (rounds, args, res.output)
            if step == 0 and (root / CACHE_DIR_NAME).exists():
                corrupt_cache(root, rng)
        shutil.rmtree(root)
        rounds += 1
    assert rounds > 0
