"""How kgraphlint's cost grows with file size and file count, as ratios.

Usage:  python benchmarks/bench_scaling.py [--quick] [--shape block|top-level|unique] [--json out.json]

Big files: generated Keras modules (``generated_keras.py``) of 1k, 2k, 5k, 10k
and 20k lines and one of about 2 MB (the largest file kgraphlint checks), each
analysed in fresh processes (``lint_source``: parse, engine, rules,
suppressions; no cache), the fastest of ``--repeat`` counting; the runs are
interleaved round-robin (every size once per round), so that the load of a
shared machine, which changes during a run, weighs on all sizes alike
instead of on whichever size ran when it peaked.  Reported: the
analysis' CPU time (wall time depends on what else the machine runs) and the
peak memory it added (``ru_maxrss`` after minus before), and their ratios to
the 2k-line file of the same shape.  Linear cost means the 20k-line ratio is
about 10 (the target: at most 10x in time and memory).

Many files: 100, 1,000 and 10,000 small training scripts checked by the CLI
(``--no-cache --jobs 1``, a fresh process), reported as time per file
relative to the 100-file run.  ``--quick`` stops at 10k lines / 1,000 files.

Nothing here is a test: it prints numbers and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generated_keras import keras_module, keras_module_of_bytes, small_file  # noqa: E402

MEASURE = r"""
import json, resource, sys, time
from kgraphlint.lint import lint_source
import kgraphlint.rules, kgraphlint.static.engine, libcst  # imports are not the file's cost
data = open(sys.argv[1], "rb").read()
lint_source("warm-up.py", b"import keras\nx = keras.Input((3,))\n")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, cpu = time.perf_counter(), time.process_time()
findings, errors = lint_source(sys.argv[1], data)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": cpu, "wall": seconds, "peak_kib": after, "added_kib": after - before,
                  "findings": len(findings), "errors": [e.message for e in errors]}))
"""


def unique_names_module(lines: int) -> str:
    """Converter style (onnx2keras, nobuco): one fresh variable per layer, module level."""
    out = ["import keras", "from keras import layers", "", "input_1 = keras.Input(shape=(32, 32, 3))"]
    previous, i = "input_1", 0
    kinds = [
        "conv2d_{i} = layers.Conv2D(16, 3, padding='same', name='conv2d_{i}')({p})",
        "batch_normalization_{i} = layers.BatchNormalization(name='batch_normalization_{i}')({p})",
        "activation_{i} = layers.Activation('relu', name='activation_{i}')({p})",
        "add_{i} = layers.Add(name='add_{i}')([{p}, {q}])",
    ]
    skip = previous
    while len(out) < lines - 2:
        i += 1
        line = kinds[i % 4].format(i=i, p=previous, q=skip)
        out.append(line)
        previous = line.split(" = ")[0]
        if i % 4 == 0:
            skip = previous
    out.append(f"model = keras.Model(input_1, {previous})")
    return "\n".join(out) + "\n"


def make(shape: str, lines: int) -> str:
    if shape == "unique":
        return unique_names_module(lines)
    return keras_module(lines, top_level=(shape == "top-level"))


def measure_files(paths: list[Path], repeat: int) -> list[dict]:
    """For each file, the run with the least CPU time of ``repeat`` fresh
    processes (the machine's other load only ever adds time).  The runs are
    interleaved round-robin (each round measures every file once), so that a
    change in the machine's load during the benchmark hits every size alike."""
    runs: list[list[dict]] = [[] for _ in paths]
    failed: dict[int, dict] = {}
    for _ in range(repeat):
        for i, path in enumerate(paths):
            if i in failed:
                continue
            proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True)
            if proc.returncode != 0:
                failed[i] = {"error": proc.stderr.strip().splitlines()[-1:]}
                continue
            runs[i].append(json.loads(proc.stdout))
    return [failed.get(i) or min(r, key=lambda run: run["seconds"]) for i, r in enumerate(runs)]


def measure_many(directory: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--no-cache", "--jobs", "1", "--format", "text", "--quiet", str(directory)],
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--shape", choices=("block", "top-level", "unique"), default="block")
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per big file (the fastest counts)")
    parser.add_argument("--sizes", help="comma-separated line counts instead of 1000,2000,5000,10000,20000")
    parser.add_argument("--counts", help="comma-separated file counts instead of 100,1000,10000")
    args = parser.parse_args()
    sizes = [1000, 2000, 5000, 10000] + ([] if args.quick else [20000])
    if args.sizes:
        sizes = [int(n) for n in args.sizes.split(",")]
    counts = [100, 1000] + ([] if args.quick else [10000])
    if args.counts is not None:
        counts = [int(n) for n in args.counts.split(",") if n]
    report: dict = {"shape": args.shape, "files": [], "many": []}
    with tempfile.TemporaryDirectory(prefix="kgraphlint-scaling-") as tmp:
        root = Path(tmp)
        cases = [(f"{n} lines", make(args.shape, n)) for n in sizes]
        if not args.quick and args.shape != "unique":
            cases.append(("~2 MB", keras_module_of_bytes(2_000_000)))
        print(f"Big files ({args.shape} shape), fastest of {args.repeat} fresh processes; ratios to the 2k-line file")
        print(f"{'file':>11} {'lines':>7} {'KiB':>6} {'CPU s':>7} {'x time':>7} {'MiB added':>9} {'x mem':>6}")
        paths = []
        for _label, text in cases:
            paths.append(root / f"generated_{len(paths)}.py")
            paths[-1].write_text(text)
        rows = measure_files(paths, args.repeat)
        for row, (label, text) in zip(rows, cases):
            row.update(label=label, lines=text.count("\n"), kib=len(text.encode()) // 1024)
        report["files"] = rows
        base = next((r for r in rows if r.get("lines", 0) >= 1900 and "error" not in r), rows[0])
        for row in rows:
            label = row["label"]
            if "error" in row:
                print(f"{label:>11} failed: {row['error']}")
                continue
            row["time_ratio"] = row["seconds"] / base["seconds"]
            row["memory_ratio"] = row["added_kib"] / max(base["added_kib"], 1)
            print(
                f"{label:>11} {row['lines']:>7} {row['kib']:>6} {row['seconds']:>8.2f} {row['time_ratio']:>7.1f}"
                f" {row['added_kib'] / 1024:>9.0f} {row['memory_ratio']:>6.1f}"
            )
        print("\nMany small files, CLI --no-cache --jobs 1; per-file time relative to 100 files")
        print(f"{'files':>7} {'seconds':>8} {'ms/file':>8} {'x per file':>10}")
        per_file0 = None
        for count in counts:
            directory = root / f"many_{count}"
            directory.mkdir()
            for i in range(count):
                (directory / f"train_{i:05d}.py").write_text(small_file(i))
            seconds = measure_many(directory)
            per_file = seconds / count
            per_file0 = per_file0 or per_file
            report["many"].append({"files": count, "seconds": seconds, "per_file_ratio": per_file / per_file0})
            print(f"{count:>7} {seconds:>8.2f} {1000 * per_file:>8.1f} {per_file / per_file0:>10.2f}")
    print("\nTarget: 20k-line file at most 10x the 2k-line file in time and in memory; per-file cost flat.")
    big = next((r for r in rows if 19000 <= r.get("lines", 0) <= 21000 and "error" not in r), None)
    if big is not None and base is not big:
        verdict = "within" if big["time_ratio"] <= 10 and big["memory_ratio"] <= 10 else "OVER"
        print(
            f"20k/2k ratios: CPU time {big['time_ratio']:.1f}x, peak memory added {big['memory_ratio']:.1f}x"
            f" ({verdict} the 10x target)"
        )
        report["ratios_20k_2k"] = {"time": big["time_ratio"], "memory": big["memory_ratio"]}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
