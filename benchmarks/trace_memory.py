"""Worker memory over many traced files (the bound the README documents).

    python benchmarks/trace_memory.py [--files 100] [--max-files-per-worker N] [DIR ...]

Traces the Python files under DIR (default: tests/corpus and fixtures) through
``trace_files`` and prints the worker's resident memory after every file, and
the peak.  With the default ``--max-files-per-worker 1000`` one worker traces
them all, so the figure is the unbounded growth; with the configured default
(50) it is what a real run sees.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kgraphlint.trace import runner  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="*", default=["tests/corpus", "fixtures"])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--max-files-per-worker", type=int, default=1000)
    parser.add_argument("--max-worker-memory-mb", type=int, default=1_000_000)
    args = parser.parse_args()
    files = sorted(p for d in args.dirs for p in (REPO / d).rglob("*.py"))[: args.files]
    from kgraphlint.lint import analyse_source

    # The builders the static engine finds, as a real --trace run calls them.
    requests = [
        runner.TraceRequest(str(p.relative_to(REPO)), str(p), analyse_source(str(p), p.read_bytes()).builders)
        for p in files
    ]
    samples: list[float] = []
    original_run = runner._WorkerProcess.run

    def run(self, payload, timeout):  # type: ignore[no-untyped-def]
        message = original_run(self, payload, timeout)
        samples.append(self.rss_mb)
        print(f"{len(samples):4d} {self.rss_mb:8.0f} MiB  {payload['path']}", flush=True)
        return message

    runner._WorkerProcess.run = run  # type: ignore[method-assign]
    starts: list[int] = []
    original_init = runner._WorkerProcess.__init__

    def init(self, run_dir):  # type: ignore[no-untyped-def]
        starts.append(len(samples))
        print(f"     worker started before file {len(samples) + 1}", flush=True)
        original_init(self, run_dir)

    runner._WorkerProcess.__init__ = init  # type: ignore[method-assign]
    config = SimpleNamespace(
        trace_timeout=60.0,
        trace_max_files_per_worker=args.max_files_per_worker,
        trace_max_worker_memory_mb=args.max_worker_memory_mb,
    )
    start = time.monotonic()
    os.chdir(REPO)
    runner.trace_files(requests, config)
    if samples:
        print(
            f"files={len(samples)} first={samples[0]:.0f} MiB peak={max(samples):.0f} MiB "
            f"last={samples[-1]:.0f} MiB workers={len(starts)} time={time.monotonic() - start:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
