"""The ``kgraphlint`` command: arguments in, report out, exit status.

Exit status: 0 no finding at or above ``--fail-on``, 1 findings (or files that
could not be checked), 2 usage error or internal failure.  Never a traceback.
Heavy modules (libcst, rich, the rules) are imported only once a run needs
them, so ``--version`` and ``--help`` are instant.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Optional, Sequence, TextIO

from kgraphlint import __version__

if TYPE_CHECKING:
    from kgraphlint.lint import LintResult

FORMATS = ("rich", "text", "json", "sarif", "github")
# Modules that render each format (sarif/github belong to the report teammate).
_RENDERERS = {
    "rich": "kgraphlint.report.rich_report",
    "text": "kgraphlint.report.text",
    "json": "kgraphlint.report.json_report",
    "sarif": "kgraphlint.report.sarif",
    "github": "kgraphlint.report.github",
}


class UsageError(Exception):
    """Bad arguments or configuration: one line on stderr, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kgraphlint",
        description="Find wiring mistakes in Keras functional-API models before they cost a training run.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: .)")
    parser.add_argument("--trace", action="store_true", help="also build the models with Keras (needs TensorFlow)")
    parser.add_argument("--format", choices=FORMATS, help="report format (default: rich on a terminal, text otherwise)")
    parser.add_argument("--select", metavar="CODES", help="only these rules, comma-separated codes or prefixes (KG1,KG301)")
    parser.add_argument("--ignore", metavar="CODES", help="skip these rules, comma-separated codes or prefixes")
    parser.add_argument("--fail-on", choices=("error", "warning", "info"), help="lowest severity that fails the run (default: warning)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per rule instead of the findings")
    parser.add_argument("--explain", metavar="CODE", help="explain a rule and exit")
    parser.add_argument("--fix", action="store_true", help="apply autofixes in place")
    parser.add_argument("--diff", action="store_true", help="print the autofixes as a unified diff; change nothing")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write .kgraphlint_cache/")
    parser.add_argument("--jobs", type=_positive_int, metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--config", metavar="PATH", help="read settings from this file instead of the nearest pyproject.toml")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only findings, no summary")
    parser.add_argument("--version", action="version", version=f"kgraphlint {__version__}")
    return parser


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run kgraphlint; returns the exit status (never raises, never a traceback)."""
    _tolerant_streams()
    try:
        return _main(argv)
    except UsageError as exc:
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # `kgraphlint . | head`: the reader went away; that is not our failure.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except SystemExit as exc:  # argparse (--help, --version, bad option)
        return exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:  # noqa: BLE001 - the promise is "never a traceback"
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        _error(f"internal error: {detail}")
        return 2


def _main(argv: Optional[Sequence[str]]) -> int:
    args = build_parser().parse_args(argv)

    if args.explain:
        return _explain(args.explain, sys.stdout)

    from kgraphlint.config import ConfigError, load_config, load_config_file, parse_selectors
    from kgraphlint.discover import MissingPathError
    from kgraphlint.lint import TraceUnavailable, lint_paths

    paths = args.paths or ["."]
    try:
        config = load_config_file(args.config) if args.config else load_config(paths[0])
        select = parse_selectors(args.select, "--select") if args.select is not None else None
        ignore = parse_selectors(args.ignore, "--ignore") if args.ignore is not None else None
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    fmt = args.format or ("rich" if sys.stdout.isatty() else "text")
    render = _renderer(fmt)
    fail_on = args.fail_on or config.fail_on

    def run() -> "LintResult":
        try:
            return lint_paths(
                paths, trace=args.trace, config=config, select=select, ignore=ignore,
                jobs=args.jobs, use_cache=not args.no_cache,
            )
        except (ConfigError, MissingPathError, TraceUnavailable) as exc:
            raise UsageError(str(exc)) from None

    result = run()
    if args.diff:
        return _diff(result)
    not_fixed = 0
    if args.fix:
        fixed, not_fixed = _fix(result)
        if fixed:
            result = run()  # report what is left (unchanged files come from the cache)

    if not args.quiet:
        for note in result.notes:
            _error(f"note: {note}")
        _warn_nothing_found(result)
    # Loaded only if the report asks for rule metadata: a clean warm-cache run
    # then never imports the rule modules (nor libcst behind them).
    rules = _LazyRules()
    if args.statistics:
        _statistics(result, sys.stdout, json_format=(fmt == "json"))
    else:
        render(result, sys.stdout, rules, **({"quiet": args.quiet} if fmt in ("rich", "text") else {}))
    sys.stdout.flush()
    status = _exit_status(result, fail_on, args.exit_zero)
    if not_fixed and status == 0 and not args.exit_zero:
        status = 1  # not everything could be fixed: the run did not do what was asked
    return status


class _LazyRules(Mapping):
    """The rule registry, imported on first use."""

    def __init__(self) -> None:
        self._rules: Optional[dict] = None

    def _load(self) -> dict:
        if self._rules is None:
            from kgraphlint.rules import all_rules

            self._rules = all_rules()
        return self._rules

    def __getitem__(self, code: str):
        return self._load()[code]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _exit_status(result: "LintResult", fail_on: str, exit_zero: bool) -> int:
    from kgraphlint.findings import severity_rank

    if result.internal_errors:
        return 2
    if exit_zero:
        return 0
    threshold = severity_rank(fail_on)
    failing = any(severity_rank(f.severity) >= threshold for f in result.findings)
    return 1 if failing or result.errors else 0


def _renderer(fmt: str):
    import importlib

    module_name = _RENDERERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise UsageError(f"--format {fmt} is not available in this installation ({module_name} is missing)") from None
        raise
    return module.render


def _explain(code: str, out: TextIO) -> int:
    from kgraphlint.rules import all_rules

    code = code.strip().upper()
    rules = all_rules()
    rule = rules.get(code)
    if rule is None:
        raise UsageError(f"unknown rule {code!r}; known rules: {', '.join(rules) or 'none'}")
    engines = {"S": "static", "T": "trace (--trace)", "ST": "static and trace"}.get(rule.engines, rule.engines)
    out.write(f"{rule.code} ({rule.name})\n\n")
    out.write(f"Severity: {rule.severity}. Engines: {engines}.\n")
    if getattr(rule, "summary", ""):
        out.write(f"{rule.summary}\n")
    sections = rule.doc_sections()
    for title in ("What it does", "Why is this bad?", "Example", "Use instead"):
        if title in sections:
            out.write(f"\n## {title}\n{sections[title]}\n")
    for title, body in sections.items():  # any extra section the rule documents
        if title not in ("What it does", "Why is this bad?", "Example", "Use instead"):
            out.write(f"\n## {title}\n{body}\n")
    return 0


def _fixable_by_path(result: "LintResult") -> dict[str, list]:
    by_path: dict[str, list] = {}
    for f in result.findings:
        if f.fix is not None and f.fix.edits:
            by_path.setdefault(f.path, []).append(f)
    return by_path


def _fix(result: "LintResult") -> tuple[int, int]:
    """Apply fixes file by file; returns how many files changed and how many
    had fixes that could not be applied (each told on stderr)."""
    from kgraphlint.fixes import FixError, apply_fixes
    from kgraphlint.report.names import one_line
    from kgraphlint.report.summary import plural

    changed = failed = 0
    for path, findings in sorted(_fixable_by_path(result).items()):
        try:
            new_text = apply_fixes(path, findings, sources=result.sources)
        except FixError as exc:
            _error(str(exc))
            failed += 1
            continue
        if new_text is not None:
            changed += 1
            codes = ", ".join(sorted({f.code for f in findings}))
            sys.stderr.write(f"Fixed {one_line(path)}: {plural(len(findings), 'finding')} ({codes})\n")
    return changed, failed


def _diff(result: "LintResult") -> int:
    """Print the fixes as a unified diff; exit 1 if anything would change."""
    import difflib

    from kgraphlint.fixes import FixError, fixed_texts, notebook_fixes
    from kgraphlint.report.names import one_line
    from kgraphlint.notebook import is_notebook
    from kgraphlint.report.summary import plural

    would_change = 0
    for path, findings in sorted(_fixable_by_path(result).items()):
        if is_notebook(path):
            try:
                changes = notebook_fixes(path, findings, write=False, sources=result.sources)
            except FixError as exc:
                _error(str(exc))
                continue
            if changes is None:
                continue
            would_change += 1
            for cell, (old_source, new_source) in sorted(changes.cells.items()):
                # One labelled hunk set per changed cell, with cell-relative line numbers.
                sys.stdout.writelines(
                    _ensure_newlines(
                        difflib.unified_diff(
                            old_source.splitlines(keepends=True), new_source.splitlines(keepends=True),
                            fromfile=f"a/{path}:cell {cell}", tofile=f"b/{path}:cell {cell}",
                        )
                    )
                )
            continue
        try:
            texts = fixed_texts(path, findings, write=False, sources=result.sources)
        except FixError as exc:
            _error(str(exc))
            continue
        if texts is None:
            continue
        old_text, new_text = texts
        would_change += 1
        sys.stdout.writelines(
            difflib.unified_diff(
                old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                fromfile=f"a/{one_line(path)}", tofile=f"b/{one_line(path)}",
            )
        )
    sys.stderr.write(f"Would fix {plural(would_change, 'file')}.\n" if would_change else "No fixes available.\n")
    return 1 if would_change else 0


def _ensure_newlines(lines):
    # A cell's last line has no line break: keep the diff's lines apart.
    for line in lines:
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of cell\n"


def _statistics(result: "LintResult", out: TextIO, *, json_format: bool) -> None:
    from kgraphlint.report.names import one_line
    from kgraphlint.report.summary import counts_by_rule

    counts = counts_by_rule(result)
    if json_format:
        import json

        json.dump([{"code": c, "name": n, "count": k} for c, n, k in counts], out, indent=2)
        out.write("\n")
        # The list format has no place for them: errors and skips go to stderr.
        from kgraphlint.report.summary import skip_line, skips_of

        for e in result.errors:
            _error(f"{e.path}: error: {e.message}")
        for skip in skips_of(result):
            _error(skip_line(skip))
        return
    width = max((len(str(k)) for _, _, k in counts), default=1)
    for code, name, count in counts:
        out.write(f"{count:>{width}}\t{code}\t{name}\n")
    for e in result.errors:
        out.write(f"{one_line(e.path)}: error: {one_line(e.message)}\n")
    from kgraphlint.report.summary import skip_line, skips_of

    for skip in skips_of(result):
        out.write(skip_line(skip) + "\n")


def _warn_nothing_found(result: "LintResult") -> None:
    # On stderr too: a JSON or SARIF consumer's log then shows it as well.
    from kgraphlint.findings import NOTHING_FOUND

    for skip in result.skipped:
        if skip.reason == NOTHING_FOUND:
            _error(f"warning: {NOTHING_FOUND} in {skip.path}")


def _error(message: str) -> None:
    from kgraphlint.report.names import one_line

    sys.stderr.write(f"kgraphlint: {one_line(message)}\n")
    sys.stderr.flush()


def _tolerant_streams() -> None:
    # Source lines and messages can hold any character; a terminal or pipe
    # that cannot show one must not turn the report into a crash.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
