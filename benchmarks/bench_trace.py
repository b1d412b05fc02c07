"""Trace speed: ``kgraphlint --trace`` on the reference fixture vs plain Keras.

In one run, time (a) a plain subprocess that imports Keras, imports the
reference fixture and calls ``construct_model(use_imagenet=False)``, and (b)
``kgraphlint --trace fixtures/inception_v3_finetune.py --no-cache`` end to end
(static analysis, worker start, Keras import, tracing, report).  Prints both
and their ratio; the goal (DESIGN.md) is at most 1.25x.

    python benchmarks/bench_trace.py [--repeat N]

Each measurement is the median of N runs (default 3), alternating (a) and (b)
so that disk caches and CPU frequency treat both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "inception_v3_finetune.py"
GOAL = 1.25

PLAIN = f"""
import importlib.util, keras
spec = importlib.util.spec_from_file_location("fixture", {str(FIXTURE)!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = module.construct_model(use_imagenet=False)
assert len(model.layers) == 313
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"  # both sides: same logging cost
    return env


def time_plain() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", PLAIN], check=True, env=_env(), cwd=REPO, capture_output=True)
    return time.perf_counter() - start


def time_trace() -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kgraphlint", "--trace", str(FIXTURE.relative_to(REPO)), "--no-cache"],
        env=_env(),
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"kgraphlint --trace failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plain: list[float] = []
    traced: list[float] = []
    time_plain()  # warm the OS file cache for both
    for _ in range(args.repeat):
        plain.append(time_plain())
        traced.append(time_trace())
    a, b = statistics.median(plain), statistics.median(traced)
    ratio = b / a
    print(f"(a) import keras + fixture + construct_model : {a:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in plain)})")
    print(f"(b) kgraphlint --trace fixture --no-cache    : {b:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in traced)})")
    print(f"ratio (b)/(a): {ratio:.2f}x  (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
