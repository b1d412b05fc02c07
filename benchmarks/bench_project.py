"""Whole-project analysis: what the cache saves, and what following imports costs.

Usage:  python benchmarks/bench_project.py [--repeat N] [--corpus DIR] [--base REV] [--json out.json]

Part 1, the cache, on a generated package of ``--modules`` model modules
(default 60) in six sub-packages, each with a ``blocks.py`` leaf that its model
modules import (some import a neighbour too), and training scripts that import
one model module each.
Every run is a fresh process (``lint_paths`` through a small driver that prints
what was re-analysed), timed as the CPU seconds of that process (user + system:
robust on a machine shared with other jobs), median of ``--repeat``:

  cold       no cache
  unchanged  cache primed, nothing edited                    (target: <= 10% of cold)
  edit-leaf  ``zoo/g0/blocks.py`` edited: it and its importers only are re-analysed
  edit-top   a training script edited: it alone is re-analysed

The re-analysed file counts are exact (``LintResult.analysed``), the times are
ratios to ``cold`` measured in the same run.

Part 2, the cost of following imports, on a real multi-file code base
(``--corpus``, e.g. keras-hub: ``pip download keras-hub --no-deps`` and unzip
the wheel into /tmp, never into the repository): cold ``--no-cache --jobs 1``
CPU time of the working tree following the project's imports, against the
same tree checking each file alone (the private ``_KGRAPHLINT_BENCH_FILES_ALONE``
switch of :mod:`kgraphlint.static.engine`: imports of project modules stay
unknown), interleaved round-robin in the same run (target: at most 1.2x).
With ``--base REV`` the tree is also compared with kgraphlint at ``REV``
(exported with ``git archive``), following imports both.  Finding counts of
every variant are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Optional, Sequence

REPO = Path(__file__).resolve().parents[1]

DRIVER = """
import json, sys
from kgraphlint.lint import lint_paths
result = lint_paths(["."], use_cache=sys.argv[2] == "cache", jobs=1)  # as a user runs it: `kgraphlint .`
# (getattr: a --base revision from before the cache followed imports has no .analysed)
print(json.dumps({"analysed": getattr(result, "analysed", []), "findings": len(result.findings),
                  "files": result.files_checked}))
"""

BLOCKS = """\
from tensorflow import keras
from tensorflow.keras import layers


def conv_bn(x, filters, kernel=3, strides=1, name=None):
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def residual(x, filters, strides=1):
    shortcut = x
    if strides != 1:
        shortcut = layers.Conv2D(filters, 1, strides=strides)(x)
    x = conv_bn(x, filters, strides=strides)
    x = layers.Conv2D(filters, 3, padding="same")(x)
    return layers.ReLU()(layers.Add()([x, shortcut]))
"""

MODEL = """\
from tensorflow import keras
from tensorflow.keras import layers

from zoo.config import WIDTHS
from .blocks import conv_bn, residual
{extra_import}

def build_net_{i}(input_shape=(64, 64, 3), classes=10):
    inputs = keras.Input(input_shape)
    x = conv_bn(inputs, WIDTHS[0])
    for width in WIDTHS:
        x = residual(x, width, strides=2)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(classes, activation="softmax")(x), name="net_{i}")
"""

TRAIN = """\
import numpy as np

from zoo.{group}.net_{i} import build_net_{i}

model = build_net_{i}()
model.compile("adam", "sparse_categorical_crossentropy")
"""

GROUPS = 6


def make_project(root: Path, modules: int) -> None:
    """``zoo/g<k>/`` sub-packages, each with its own ``blocks.py`` leaf imported
    by its ``net_<i>.py`` modules (one in three also imports its neighbour),
    a shared ``zoo/config.py``, and ``scripts/train_<i>.py`` importing one net."""
    pkg = root / "zoo"
    pkg.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'zoo'\nversion = '0'\n")
    (pkg / "__init__.py").write_text("")
    (pkg / "config.py").write_text("WIDTHS = (16, 32, 64)\n")
    scripts = root / "scripts"
    scripts.mkdir()
    for i in range(modules):
        group = pkg / f"g{i % GROUPS}"
        if not group.is_dir():
            group.mkdir()
            (group / "__init__.py").write_text("")
            (group / "blocks.py").write_text(BLOCKS)
        neighbour = i - GROUPS
        extra = f"from .net_{neighbour} import build_net_{neighbour}  # noqa: F401\n" if i % 3 == 0 and neighbour >= 0 else ""
        (group / f"net_{i}.py").write_text(MODEL.format(i=i, extra_import=extra))
        if i % 5 == 0:
            (scripts / f"train_{i}.py").write_text(TRAIN.format(i=i, group=f"g{i % GROUPS}"))


FILES_ALONE = "_KGRAPHLINT_BENCH_FILES_ALONE"


def run_driver(python_path: Path, target: Path, cached: bool, alone: bool = False) -> tuple[float, dict]:
    env = dict(os.environ, PYTHONPATH=str(python_path))
    env.pop(FILES_ALONE, None)
    # Timed as installed: pip compiles kgraphlint's bytecode at install time.
    # With this set (some CI images set it) every run would compile
    # kgraphlint's sources first, and start-up would be measured, not the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if alone:
        env[FILES_ALONE] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(target), "cache" if cached else "nocache"],
        capture_output=True, text=True, env=env, cwd=target,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the child: on a machine shared with other jobs, wall
    # clock measures the scheduler more than kgraphlint.
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"driver failed:\n{proc.stderr[-2000:]}")
    return elapsed, json.loads(proc.stdout.strip().splitlines()[-1])


def compile_bytecode(python_path: Path) -> None:
    """Compile kgraphlint's bytecode as ``pip install`` does, so that no timed run compiles it."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(python_path / "kgraphlint")], check=True)


def snapshot(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev, "kgraphlint"], cwd=REPO, capture_output=True, check=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def bench_cache(work: Path, modules: int, repeat: int) -> dict:
    root = work / "project"
    make_project(root, modules)
    blocks = root / "zoo" / "g0" / "blocks.py"
    script = root / "scripts" / "train_0.py"
    times: dict[str, list[float]] = {k: [] for k in ("cold", "unchanged", "edit-leaf", "edit-top")}
    counts: dict[str, int] = {}
    compile_bytecode(REPO)
    for round_ in range(repeat):
        shutil.rmtree(root / ".kgraphlint_cache", ignore_errors=True)
        cold: Optional[dict] = None
        for run, edit in (("cold", None), ("unchanged", None), ("edit-leaf", blocks), ("edit-top", script)):
            if edit is blocks:
                blocks.write_text(BLOCKS + f"\n# edit {round_}\n")
            elif edit is script:
                script.write_text(TRAIN.format(i=0, group="g0") + f"\n# edit {round_}\n")
            t, info = run_driver(REPO, root, cached=True)
            times[run].append(t)
            counts[run] = len(info["analysed"])
            cold = cold or info
            # A cache that changes what is reported is a bug, not a speed-up.
            if (info["files"], info["findings"]) != (cold["files"], cold["findings"]):
                raise SystemExit(f"{run} run reported {info['files']} files and {info['findings']} findings, "
                                 f"the cold run {cold['files']} and {cold['findings']}")
        counts["files"] = cold["files"]
    medians = {k: statistics.median(v) for k, v in times.items()}
    group_nets = len(list((root / "zoo" / "g0").glob("net_*.py")))
    group_scripts = sum(1 for i in range(0, modules, 5) if i % GROUPS == 0)
    return {"medians": medians, "counts": counts, "leaf_importers": group_nets + group_scripts}


def bench_corpus(work: Path, corpus: Path, base: Optional[str], repeat: int) -> dict:
    variants: list[tuple[str, Path, bool]] = [("alone", REPO, True), ("tree", REPO, False)]
    if base:
        variants.append((base, snapshot(base, work / "base"), False))
    for _, code, _ in variants:
        compile_bytecode(code)
    files = sum(1 for _ in corpus.rglob("*.py"))
    times: dict[str, list[float]] = {key: [] for key, _, _ in variants}
    findings: dict[str, int] = {}
    for _ in range(repeat):
        for key, code, alone in variants:
            t, info = run_driver(code, corpus, cached=False, alone=alone)
            times[key].append(t)
            findings[key] = info["findings"]
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {"files": files, "medians": medians, "findings": findings}


def print_cache(cache: dict, modules: int) -> dict:
    m, c = cache["medians"], cache["counts"]
    print(f"Generated project: {c['files']} files ({modules} model modules in {GROUPS} sub-packages)")
    print(f"{'run':<11} {'CPU s':>9} {'/ cold':>7} {'re-analysed':>12}")
    for key in ("cold", "unchanged", "edit-leaf", "edit-top"):
        print(f"{key:<11} {m[key]:9.2f} {m[key] / m['cold']:7.1%} {c[key]:>12}")
    print(textwrap.dedent(f"""\
        targets: unchanged <= 10% of cold; edit-leaf re-analyses g0/blocks.py and its
        {cache['leaf_importers']} importers only: {c['edit-leaf']} of {c['cold']} files
        ({c['edit-leaf'] / c['cold']:.0%}); edit-top re-analyses 1 file ({c['edit-top']})."""))
    return cache


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modules", type=int, default=60)
    parser.add_argument("--corpus", type=Path, help="a real multi-file code base (e.g. an unpacked keras-hub wheel)")
    parser.add_argument("--base", default=None, help="also compare the working tree with this git revision (--corpus)")
    parser.add_argument("--skip-cache", action="store_true", help="only the corpus part (--corpus)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="kgraphlint-bench-project-") as tmp:
        work = Path(tmp)
        if not args.skip_cache:
            report["cache"] = print_cache(bench_cache(work, args.modules, args.repeat), args.modules)
        if args.corpus:
            corpus = bench_corpus(work, args.corpus.resolve(), args.base, args.repeat)
            report["corpus"] = corpus
            m, n = corpus["medians"], corpus["files"]
            print(f"\nCorpus {args.corpus} ({n} files), cold --no-cache --jobs 1, CPU time per file:")
            labels = {"alone": "each file alone", "tree": "following imports"}
            for key in m:
                label = labels.get(key, f"{key} (following imports)")
                print(f"  {label:<28} {m[key] / n * 1000:8.1f} ms  {corpus['findings'][key]} findings")
            print(f"  per-file cost ratio, following imports / alone: {m['tree'] / m['alone']:.2f}x (target <= 1.2x)")
            if args.base:
                print(f"  per-file cost ratio, tree / {args.base}: {m['tree'] / m[args.base]:.2f}x")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
