"""Static-mode speed of kgraphlint, as ratios to a libcst-parse baseline measured in the same run.

Usage:  python benchmarks/bench_static.py [--repeat N] [--json out.json]

Corpus: the installed ``keras/src/applications/*.py`` (19 files, ~9.6k lines
with Keras 3.15), found without importing Keras and copied to a temporary
directory (so the cache and any tool state live there, not in site-packages).

Every measurement is a fresh process (what users pay) timed as wall-clock,
median of ``--repeat`` runs after one untimed warm-up run (OS file cache);
the runs are interleaved round-robin so that load changes hit all alike:

  baseline   python + import libcst + libcst.parse_module on every file
  cold       kgraphlint --no-cache --jobs 1
  warm       kgraphlint --jobs 1, cache primed by a previous run, files unchanged
  jobs2      kgraphlint --no-cache --jobs 2
  jobsN      kgraphlint --no-cache (default: all cores)
  fixit      fixit lint              (if installed; not a kgraphlint dependency)
  pylint     pylint --errors-only    (if installed; not a kgraphlint dependency)
  version    kgraphlint --version
  one-file   kgraphlint --no-cache on one small file

plus whether ``kgraphlint --version`` and the one-file run imported
TensorFlow or Keras (read from ``python -X importtime``).  Nothing here is a
test: it prints numbers, the DESIGN.md targets beside them, and exits 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional, Sequence

PYTHON = sys.executable
BIN = Path(PYTHON).parent

PARSE_SCRIPT = """
import sys, libcst
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        libcst.parse_module(f.read())
"""

SMALL_FILE = """\
import keras

image = keras.Input((32, 32, 3), name="image")
x = keras.layers.Conv2D(8, 3, activation="relu")(image)
x = keras.layers.GlobalAveragePooling2D()(x)
out = keras.layers.Dense(10, activation="softmax")(x)
model = keras.Model(image, out)
"""


@dataclass
class Measurement:
    key: str
    label: str
    command: list[str]
    ok_codes: frozenset[int] = frozenset({0})
    times: list[float] = field(default_factory=list)
    returncodes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def best(self) -> float:
        return min(self.times) if self.times else float("nan")


def keras_applications_dir() -> Path:
    # find_spec on a top-level package does not import it.
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("keras is not installed in this interpreter: nothing to measure")
    return Path(list(spec.submodule_search_locations)[0]) / "src" / "applications"


def tool(name: str) -> Optional[str]:
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


ENV = dict(os.environ)


def snapshot(rev: str, into: Path) -> Path:
    """Export kgraphlint at git revision ``rev`` (so edits made to the working
    tree during the run cannot change what is measured)."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "archive", rev, "kgraphlint"], cwd=repo, capture_output=True, check=True).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(command: Sequence[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    return elapsed, proc.returncode, proc.stderr.decode(errors="replace")


def measure_all(measurements: list[Measurement], cwd: Path, repeat: int) -> None:
    """Round-robin: each round runs every command once, so a change in machine
    load during the run affects all measurements alike and the ratios hold."""
    for m in measurements:
        run(m.command, cwd)  # warm-up: OS file cache, .pyc files
    for _ in range(repeat):
        for m in measurements:
            elapsed, code, err = run(m.command, cwd)
            m.times.append(elapsed)
            m.returncodes.append(code)
            if code not in m.ok_codes and not m.note:
                m.note = f"exit {code}: " + (err.strip().splitlines() or [""])[-1][:120]


def imported_heavy(command: Sequence[str], cwd: Path) -> list[str]:
    """Top-level modules among tensorflow/keras that ``command`` imported (-X importtime)."""
    proc = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]], cwd=cwd, env=ENV, capture_output=True, text=True
    )
    heavy = set()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        name = line.rsplit("|", 1)[-1].strip()
        top = name.split(".")[0]
        if top in {"tensorflow", "keras", "tf_keras", "jax", "torch"}:
            heavy.add(top)
    return sorted(heavy)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument(
        "--rev",
        help="measure kgraphlint as committed at this git revision (e.g. HEAD) instead of the "
        "installed / working-tree code",
    )
    parser.add_argument("--no-others", action="store_true", help="skip fixit and pylint (quick runs)")
    args = parser.parse_args(argv)

    source_dir = keras_applications_dir()
    sources = sorted(source_dir.glob("*.py"))
    lines = sum(len(p.read_bytes().splitlines()) for p in sources)

    with tempfile.TemporaryDirectory(prefix="kgraphlint-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "applications"
        corpus.mkdir()
        for path in sources:
            shutil.copy2(path, corpus / path.name)
        # An empty project file pins the kgraphlint project root (and its cache) here.
        (work / "pyproject.toml").write_text("[project]\nname = 'bench'\nversion = '0'\n")
        (work / "small.py").write_text(SMALL_FILE)
        measured = "installed kgraphlint"
        if args.rev:
            code = snapshot(args.rev, work / "snapshot")
            # PYTHONPATH wins over the editable install (its finder comes last).
            ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), ENV.get("PYTHONPATH")]))
            sha = subprocess.run(
                ["git", "rev-parse", "--short", args.rev], cwd=Path(__file__).resolve().parents[1],
                capture_output=True, text=True,
            ).stdout.strip()
            measured = f"kgraphlint at {args.rev} ({sha})"
        files = [str(Path("applications") / p.name) for p in sources]
        cache = work / ".kgraphlint_cache"

        kg = [PYTHON, "-m", "kgraphlint"]
        common = ["--format", "text", "--quiet", "--exit-zero"]
        lint_ok = frozenset({0, 1})
        results = [
            Measurement("baseline", "libcst parse (python + import libcst + parse)", [PYTHON, "-c", PARSE_SCRIPT, *files]),
            Measurement("python", "python -c pass (interpreter start-up)", [PYTHON, "-c", "pass"]),
            Measurement("cold", "kgraphlint --no-cache --jobs 1", [*kg, *common, "--no-cache", "--jobs", "1", *files], lint_ok),
            # The cache is primed by the warm-up run and never cleared (the
            # other kgraphlint runs use --no-cache): every timed run is a re-run.
            Measurement("warm", "kgraphlint --jobs 1, warm cache", [*kg, *common, "--jobs", "1", *files], lint_ok),
            Measurement("jobs2", "kgraphlint --no-cache --jobs 2", [*kg, *common, "--no-cache", "--jobs", "2", *files], lint_ok),
            Measurement(
                "jobsN", f"kgraphlint --no-cache (all {os.cpu_count()} cores)", [*kg, *common, "--no-cache", *files], lint_ok
            ),
        ]
        fixit = None if args.no_others else tool("fixit")
        if fixit:
            results.append(Measurement("fixit", "fixit lint", [fixit, "lint", *files], frozenset({0, 1})))
        pylint = None if args.no_others else tool("pylint")
        if pylint:
            # pylint's exit status is a bit mask of message kinds; 32 is a usage error.
            results.append(
                Measurement(
                    "pylint", "pylint --errors-only", [pylint, "--errors-only", "--persistent=n", *files], frozenset(range(32))
                )
            )
        version_cmd = [*kg, "--version"]
        small_cmd = [*kg, *common, "--no-cache", "small.py"]
        results.append(Measurement("version", "kgraphlint --version", version_cmd))
        results.append(Measurement("one-file", "kgraphlint --no-cache small.py", small_cmd, lint_ok))
        shutil.rmtree(cache, ignore_errors=True)
        measure_all(results, work, args.repeat)
        heavy = {"version": imported_heavy(version_cmd, work), "one-file": imported_heavy(small_cmd, work)}

    by_key = {m.key: m for m in results}
    base = by_key["baseline"].median
    print(f"corpus: {source_dir} ({len(sources)} files, {lines} lines); {measured}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat} runs (wall clock)")
    print()
    header = f"{'measurement':<48} {'median s':>9} {'best s':>8} {'x baseline':>10}  note"
    print(header)
    print("-" * len(header))
    for m in results:
        print(f"{m.label:<48} {m.median:9.3f} {m.best:8.3f} {m.median / base:10.2f}  {m.note}")
    print()
    for key, mods in heavy.items():
        print(f"{by_key[key].label}: imported {', '.join(mods) if mods else 'no tensorflow/keras'}")

    print()
    print("DESIGN.md targets (informative, not asserted):")
    cold = by_key["cold"].median

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(f"  cold <= 2x baseline: {cold / base:.2f}x  {verdict(cold <= 2 * base)}")
    print(f"  warm <= 10% of cold: {by_key['warm'].median / cold:.0%}  {verdict(by_key['warm'].median <= 0.1 * cold)}")
    for other in ("fixit", "pylint"):
        if other in by_key:
            print(
                f"  cold faster than {other}: {cold:.3f}s vs {by_key[other].median:.3f}s  "
                f"{verdict(cold < by_key[other].median)}"
            )
    print(f"  one small file well under 1 s: {by_key['one-file'].median:.3f}s  {verdict(by_key['one-file'].median < 1.0)}")
    print(f"  no TensorFlow/Keras import at start-up: {verdict(not any(heavy.values()))}")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "corpus": {"dir": str(source_dir), "files": len(sources), "lines": lines},
                    "repeat": args.repeat,
                    "measurements": [dict(asdict(m), ok_codes=sorted(m.ok_codes), median=m.median, ratio=m.median / base) for m in results],
                    "heavy_imports": heavy,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
