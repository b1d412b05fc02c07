"""The pipeline: files on disk -> findings.

discover -> read bytes -> byte scan -> cache -> parse -> static engine -> rules
-> dedupe -> suppressions -> (trace and merge) -> dedupe -> selection/per-file-ignores
-> sorted result.

Each file is read once and decoded once per run: the run's
:class:`~kgraphlint.sources.SourceStore` holds it for every stage (analysis,
imported modules, suppressions of trace findings, the reports); the rules
are selected once per run.  Workers (``--jobs``) only run the pure per-file
part (:func:`analyse_source`); reading, caching and merging stay in the
parent so results are identical to a serial run.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from kgraphlint.config import Config, ConfigError, load_config, parse_selectors, path_matches
from kgraphlint.discover import Discovery, MissingPathError, SourceFile, discover
from kgraphlint.findings import NOTHING_FOUND, FileError, Finding, Related, Skip
from kgraphlint.notebook import NotebookError, is_notebook, is_python_language, may_be_in_dropped_cell, to_cells
from kgraphlint.report.summary import is_partial
from kgraphlint.rules import code_matches, selected_rules
from kgraphlint.safe_io import FileTooLarge, NotRegularFile, describe
from kgraphlint.sources import Source, SourceStore, set_active_sources
from kgraphlint.suppress import filter_suppressed

if TYPE_CHECKING:
    # Loaded lazily by __getattr__ below; named here for checkers and __all__.
    from kgraphlint.contradiction import TraceCoverage
    from kgraphlint.fixes import FixError, apply_fixes
    from kgraphlint.graph import Facts
    from kgraphlint.notebook import Notebook
    from kgraphlint.rules.base import Rule

# Markers of a file that may build a Keras model ("tf_keras" contains
# b"keras"); other files are only compiled by CPython, for KG900.
_MARKERS = (b"keras", b"tensorflow")
# A process pool costs ~0.1 s to start and to ship work; below this many files
# to analyse a single process is faster.
PARALLEL_THRESHOLD = 8
# Larger files are almost certainly generated; parsing them could take minutes.
MAX_FILE_BYTES = 2 * 1024 * 1024
# Notebooks carry their outputs (plots, base64 images): their code is a small
# part of them, and reading the JSON is cheap next to parsing Python.
MAX_NOTEBOOK_BYTES = 128 * 1024 * 1024
# (kgraphlint is not on PyPI yet: `pip install 'kgraphlint[tensorflow]'` would fail.)
TRACE_UNAVAILABLE = "--trace needs TensorFlow: pip install tensorflow (or install kgraphlint with its [tensorflow] extra)"

__all__ = [
    "ConfigError",
    "FixError",
    "LintResult",
    "MissingPathError",
    "TraceUnavailable",
    "apply_fixes",
    "check_selectors",
    "lint_paths",
    "lint_source",
]


def __getattr__(name: str) -> Any:
    # ``FixError`` / ``apply_fixes`` live in kgraphlint.fixes, which imports
    # libcst: a run served entirely from the cache never needs to load it.
    if name in ("FixError", "apply_fixes"):
        from kgraphlint import fixes

        return getattr(fixes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TraceUnavailable(Exception):
    """``--trace`` was asked for but TensorFlow / the trace engine is missing."""


@dataclass
class LintResult:
    findings: list[Finding]
    errors: list[FileError]
    files_checked: int
    # Errors that are kgraphlint's own fault (an engine or rule crashed):
    # the CLI exits 2 for them.
    internal_errors: int = 0
    # Things worth telling the user that are not findings (e.g. a file the
    # tracer could not import because a package is missing).
    notes: list[str] = field(default_factory=list)
    # Files (or their trace) that were not checked, with the reason: every
    # report shows them, so nothing skipped is ever counted as "passed".
    skipped: list[Skip] = field(default_factory=list)
    # How many files --trace really traced (None: not a --trace run).
    files_traced: Optional[int] = None
    # Paths of the files analysed in this run (the others were served from
    # the cache): what an edit made kgraphlint re-check.
    analysed: list[str] = field(default_factory=list)
    # The files this run read (those findings point into), for the reports:
    # code frames and notebook positions come from here, not from the disk.
    sources: SourceStore = field(default_factory=SourceStore, compare=False, repr=False)


@dataclass
class _Outcome:
    """What analysing one file produced (picklable: it crosses process boundaries)."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    builders: list[tuple[str, int]] = field(default_factory=list)
    parsed: bool = False
    skipped: list[Skip] = field(default_factory=list)
    # Graph finding (contradiction.subject_key) -> construction lines of the
    # models it is about: a complete trace of them may withdraw it.
    subjects: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # Project files the result depends on (imported modules, and files whose
    # absence decided an import): absolute path -> sha256, None = absent.
    dependencies: dict[str, Optional[str]] = field(default_factory=dict)
    # Lines of this file where the static engine saw a model constructed:
    # what --trace must build for the file to count as traced.  Computed for
    # --trace runs only (None: not computed): lines need the positions of the
    # whole module, which a static run without findings never pays for.
    constructions: Optional[list[int]] = None
    # What decoding the file produced (text, notebook), handed back from a
    # --jobs worker when there are findings, so that the parent's reports do
    # not decode it again.  Not cached.
    decoded: Optional[tuple[Any, Any]] = None

    def to_cache(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "builders": [list(b) for b in self.builders],
            "parsed": self.parsed,
            "skipped": [s.to_dict() for s in self.skipped],
            "subjects": {k: list(v) for k, v in self.subjects.items()},
            "dependencies": self.dependencies,
            "constructions": self.constructions,
        }

    @classmethod
    def from_cache(cls, value: dict[str, Any], path: str) -> "_Outcome":
        """Rebuild a cached outcome; ValueError for an entry of the wrong shape
        (an older format, a broken write, a hand edit): the caller recomputes."""
        findings, builders, parsed = value.get("findings"), value.get("builders"), value.get("parsed")
        if not isinstance(findings, list) or not isinstance(builders, list) or not isinstance(parsed, bool):
            raise ValueError("cache entry of the wrong shape")
        dependencies = value.get("dependencies", {})
        if not isinstance(dependencies, dict) or not all(
            isinstance(p, str) and (d is None or isinstance(d, str)) for p, d in dependencies.items()
        ):
            raise ValueError("cache entry of the wrong shape (dependencies)")
        for f in findings:
            _check_cached_finding(f, path, dependencies)
        if not all(
            isinstance(b, list) and len(b) == 2 and isinstance(b[0], str) and _is_int(b[1]) for b in builders
        ):
            raise ValueError("cache entry of the wrong shape")
        skipped = value.get("skipped", [])
        if not isinstance(skipped, list) or not all(
            isinstance(s, dict) and all(isinstance(s.get(k), str) for k in ("path", "reason", "stage")) for s in skipped
        ):
            raise ValueError("cache entry of the wrong shape (skipped)")
        constructions = value.get("constructions")
        if constructions is not None and (
            not isinstance(constructions, list) or not all(_is_int(n) for n in constructions)
        ):
            raise ValueError("cache entry of the wrong shape (constructions)")
        return cls(
            findings=[Finding.from_dict(f) for f in findings],
            builders=[(n, k) for n, k in builders],
            parsed=parsed,
            skipped=[Skip(s["path"], s["reason"], s["stage"]) for s in skipped],
            subjects=_subjects_from_cache(value.get("subjects", {})),
            dependencies=dict(dependencies),
            constructions=None if constructions is None else list(constructions),
        )


def _subjects_from_cache(value: Any) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(_is_int(x) for x in v) for k, v in value.items()
    ):
        raise ValueError("cache entry of the wrong shape (subjects)")
    return {k: tuple(v) for k, v in value.items()}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_cached_finding(data: Any, path: str, dependencies: dict[str, Any]) -> None:
    """Raise ValueError unless ``data`` is a finding dict as Finding.to_dict writes it,
    located in the file itself or in one of the project modules it depends on."""
    from kgraphlint.findings import SEVERITIES

    def fields(value: Any, spec: dict[str, Any]) -> None:
        if not isinstance(value, dict):
            raise ValueError("cache entry of the wrong shape")
        for key, kind in spec.items():
            item = value.get(key)
            ok = _is_int(item) if kind is int else isinstance(item, kind)
            if not ok:
                raise ValueError(f"cache entry of the wrong shape ({key})")

    position = {"line": int, "column": int}
    fields(data, {"code": str, "name": str, "severity": str, "path": str, **position, "end_line": int,
                  "end_column": int, "message": str, "hint": str, "engine": str, "related": list})
    if data["severity"] not in SEVERITIES or (
        data["path"] != path and os.path.abspath(data["path"]) not in dependencies
    ):
        raise ValueError("cache entry of the wrong shape (severity or path)")
    for related in data["related"]:
        fields(related, {"path": str, **position, "message": str})
    fix = data.get("fix")
    if fix is not None:
        fields(fix, {"description": str, "edits": list})
        for edit in fix["edits"]:
            fields(edit, {**position, "end_line": int, "end_column": int, "content": str})


# --------------------------------------------------------------------------
# One file


def _engine():  # -> Optional[Callable[[SourceContext, ModuleLoader], Facts]]
    try:
        from kgraphlint.static.engine import analyze
    except ModuleNotFoundError as exc:
        if exc.name != "kgraphlint.static.engine":
            raise
        return None  # no static engine installed yet: only source rules run
    return analyze


def _internal(path: str, what: str, exc: BaseException) -> FileError:
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return FileError(path, f"internal error {what}: {detail}")


@lru_cache(maxsize=32)
def _rules_for(select: Optional[tuple[str, ...]], ignore: tuple[str, ...]) -> tuple["Rule", ...]:
    """The rules a selection runs: computed once per process and selection."""
    return tuple(selected_rules(list(select) if select else None, list(ignore)))


def analyse_source(
    path: str,
    data: "bytes | Source",
    select: Optional[tuple[str, ...]] = None,
    ignore: tuple[str, ...] = (),
    follow_imports: bool = True,
    reaches_keras: Optional[bool] = None,
    constructions: bool = False,
) -> _Outcome:
    """Parse, analyse and check one file's bytes (or its run's :class:`Source`,
    decoded at most once); suppressions applied.

    With ``follow_imports`` (and ``path`` on disk), imports of the project's
    own modules are followed: a finding may then be located in an imported
    module (a defect of a helper this file calls), with that module's
    suppression comments applied.  ``reaches_keras``: whether a file that never
    mentions Keras imports project modules that do (computed when None).

    Never raises for bad input: a parse failure is a KG900 finding, a crash of
    the engine or of a rule is an ``errors`` entry, valid Python that libcst
    cannot parse is a ``skipped`` entry.  A file that never mentions Keras is
    only compiled by CPython: KG900 is the one rule that can fire on it.
    """
    from kgraphlint.static.parse import ParseFailure, ParserLimit, check_bytes, collector_frozen, compile_only, parse_text

    source = data if isinstance(data, Source) else Source(path, data)
    data = source.data
    rules = _rules_for(select, ignore)
    outcome = _Outcome()
    kg900 = next((rule for rule in rules if rule.code == "KG900"), None)
    notebook: Optional["Notebook"] = None
    loader = None
    if follow_imports:
        from kgraphlint.static.modules import shared_loader

        loader = shared_loader()
        # Importers of this file (a cycle) and its own suppressions use this
        # decoding; in a --jobs worker it is the worker's copy of the run's.
        loader.sources.put(source)
    try:
        if is_notebook(path):
            notebook = source.notebook()
            if not is_python_language(notebook.language):
                outcome.skipped.append(Skip(path, f"not a Python notebook (kernel language: {notebook.language})", "check"))
                return outcome
            if not _mentions_keras(data) and not _reaches_keras(
                os.path.abspath(path), notebook.program.encode("utf-8"), {}
            ):
                # Like a .py file that never mentions Keras (nor imports a
                # project module that does): only KG900 can fire.
                if kg900 is not None:
                    outcome.findings = to_cells(_broken_cells(path, notebook, kg900), path, notebook.cells)
                return _handing_back(outcome, source)
            text = notebook.program
            module = parse_text(text, path)
        else:
            if not _mentions_keras(data) and not (
                reaches_keras
                if reaches_keras is not None
                else _reaches_keras(source.abspath, data, {}, loader.sources if loader else None)
            ):
                # CPython's parser only: no rule but KG900 can fire here.
                check_bytes(data)
                compile_only(source.text(), path)
                return outcome
            # An importer of this file may have parsed these very bytes.
            shared = loader.parsed(source.abspath, data) if loader is not None else None
            if shared is not None:
                text, module = shared
            else:
                check_bytes(data)
                text = source.text()
                module = parse_text(text, path)
    except ParserLimit as exc:
        outcome.skipped.append(Skip(path, exc.message, "check"))
        return outcome
    except (ParseFailure, NotebookError) as exc:
        if kg900 is not None:
            failure = kg900.from_failure(path, exc.message, exc.line, exc.column)  # type: ignore[attr-defined]
            outcome.findings = to_cells([failure], path, notebook.cells) if notebook else [failure]
        return _handing_back(outcome, source)
    outcome.parsed = True

    # The tree and everything else alive stay out of the collector's walks
    # while the engine and the rules run (see collector_frozen).
    with collector_frozen():
        return _check_parsed(outcome, source, text, module, notebook, rules, kg900, loader, constructions)


def _check_parsed(
    outcome: _Outcome,
    source: Source,
    text: str,
    module: Any,
    notebook: Optional["Notebook"],
    rules: tuple["Rule", ...],
    kg900: Optional["Rule"],
    loader: Any,
    constructions: bool = False,
) -> _Outcome:
    """The engine and the rules over a parsed file (see :func:`analyse_source`)."""
    path, data = source.path, source.data
    from kgraphlint.static.source import make_context

    ctx = make_context(path, text, module)
    if loader is not None:
        loader.register(source.abspath, ctx, data)
    facts: Optional["Facts"] = None
    try:
        analyze = _engine()
        if analyze is not None:
            facts = analyze(ctx, loader)
    except (Exception, RecursionError) as exc:
        outcome.errors.append(_internal(path, "while analysing", exc))
    ctx.facts = facts

    found: list[Finding] = []
    for rule in rules:
        try:
            if rule.source_rule:
                found.extend(rule.check_source(ctx))
            elif facts is not None:
                # ``pytest.raises`` blocks are this file's lines.
                found.extend(f for f in rule.check(facts) if not (f.path == path and facts.expects_error_at(f.line)))
        except (Exception, RecursionError) as exc:
            outcome.errors.append(_internal(path, f"in rule {rule.code}", exc))
    if notebook is not None and kg900 is not None:
        found.extend(_broken_cells(path, notebook, kg900))
    findings = _suppress(_dedupe(found), source, facts, loader.sources if loader else None)
    if notebook is not None:
        # Cells map this file's lines; a defect located in an imported
        # helper module keeps that file's position (as for a script), with
        # the notebook's call among its related locations.
        # "x is never used" may only mean that the cell using x was left
        # out: not reported (precision first).
        findings = [f for f in findings if not may_be_in_dropped_cell(f, notebook.dropped_names)]
        findings = to_cells(findings, path, notebook.cells)
    outcome.findings = findings
    if facts is not None and constructions:
        outcome.constructions = sorted(
            {m.site.line for m in facts.models if m.site is not None and m.site.path == path and not m.library_made}
        )
    if facts is not None:
        # Here, not at the top: a run served from the cache never needs the graph model.
        from kgraphlint.contradiction import subject_key, subject_models

        outcome.builders = list(facts.builders)
        outcome.dependencies = dict(facts.dependencies)
        graph_codes = {r.code for r in rules if not r.source_rule}
        for f in outcome.findings:
            if f.code in graph_codes:
                models = subject_models(facts, f)
                if models:
                    outcome.subjects[subject_key(f)] = models
    return _handing_back(outcome, source)


def _handing_back(outcome: _Outcome, source: Source) -> _Outcome:
    """Keep the decoding with an outcome that has findings: the reports need it."""
    if outcome.findings:
        outcome.decoded = source.decoded()
    return outcome


def _broken_cells(path: str, notebook: "Notebook", kg900: "Rule") -> list[Finding]:
    """KG900 for each code cell that is not valid Python (left out, the others checked)."""
    found = []
    for cell in notebook.cells.cells:
        if cell.syntax_error is None:
            continue
        message, line, column = cell.syntax_error
        f = kg900.from_failure(path, message, cell.start + line - 1, column)  # type: ignore[attr-defined]
        f.hint = "fix the cell so that Python can parse it; the other cells were checked without it"
        found.append(f)
    return found


def _suppress(
    findings: list[Finding], source: Source, facts: Optional["Facts"], store: Optional[SourceStore]
) -> list[Finding]:
    """Suppression comments, read in the file each finding is located in (an
    imported module's comments come from its source in the run's store,
    tokenized once however many files import it)."""
    path = source.path
    if all(f.path == path for f in findings):
        return filter_suppressed(findings, source.suppressions()) if findings else findings
    texts = facts.module_texts if facts is not None else {}
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    kept: list[Finding] = []
    for where, group in by_path.items():
        known = source if where == path else (store.get(where) if store is not None else None)
        if known is None and where in texts:
            known = Source(where, b"")
            known.adopt((texts[where], None))
        kept.extend(filter_suppressed(group, known.suppressions()) if known is not None else group)
    return kept


def _analyse_job(
    job: tuple[Source, bool], select: Optional[tuple[str, ...]], ignore: tuple[str, ...], constructions: bool = False
) -> _Outcome:
    return analyse_source(job[0].path, job[0], select, ignore, reaches_keras=job[1], constructions=constructions)


def lint_source(path: str, data: bytes, config: Optional[Config] = None) -> tuple[list[Finding], list[FileError]]:
    """Check one file's bytes (no discovery, no cache, no trace)."""
    config = config or Config()
    outcome = analyse_source(path, data, config.select, config.ignore)
    _stamp_fixes(outcome.findings, hashlib.sha256(data).hexdigest())
    findings = _select(outcome.findings, config.select, config.ignore, config, {path: os.path.abspath(path)})
    return sorted(findings, key=Finding.sort_key), outcome.errors


def _stamp_fixes(findings: Iterable[Finding], digest: str) -> None:
    """Tie each fix to the bytes it was computed from (checked again by --fix)."""
    for f in findings:
        if f.fix is not None:
            f.fix.source_sha256 = digest


def _mentions_keras(data: bytes) -> bool:
    return any(marker in data for marker in _MARKERS)


# How many imported files the pre-filter looks through for one file.
_REACH_LIMIT = 64


def _reaches_keras(abspath: str, data: bytes, memo: dict[str, bool], store: Optional[SourceStore] = None) -> bool:
    """Whether a file that never names Keras imports (maybe through other
    project modules) one that does: ``from mypkg.model import build``.
    Imported files are read through the run's ``store`` (once per run)."""
    if b"import" not in data or not os.path.isfile(abspath):
        return False
    from kgraphlint.project import imported_project_files

    store = store if store is not None else SourceStore()
    todo = [abspath]
    seen = {abspath}
    while todo and len(seen) <= _REACH_LIMIT:
        current = todo.pop()
        known = memo.get(current)
        if known is not None:
            if known:
                return True
            continue
        if current != abspath:
            try:
                content = store.load(current, MAX_FILE_BYTES).data
            except OSError:
                continue
            if _mentions_keras(content):
                memo[current] = True
                return True
        else:
            content = data
        for imported in imported_project_files(current, content):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return False


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per rule and location.  A helper module's defect reached
    from several files is one finding; it keeps the related locations of
    each (the call of every file that reaches it)."""
    seen: dict[tuple[str, str, Optional[int], int, int], Finding] = {}
    result = []
    for f in findings:
        key = (f.code, f.path, f.cell, f.line, f.column)
        first = seen.get(key)
        if first is None:
            seen[key] = f
            result.append(f)
            continue
        known = {(r.path, r.cell, r.line, r.column, r.message) for r in first.related}
        extra = [r for r in f.related if (r.path, r.cell, r.line, r.column, r.message) not in known]
        if extra:
            first.related = first.related + extra
    return result


def _select(
    findings: Iterable[Finding],
    select: Optional[Sequence[str]],
    ignore: Sequence[str],
    config: Config,
    abspaths: dict[str, str],
) -> list[Finding]:
    """Drop findings outside --select/--ignore and the per-file-ignores, and
    those located in a file ``exclude`` leaves out that was not checked."""
    kept = []
    for f in findings:
        if select and not code_matches(f.code, tuple(select)):
            continue
        if ignore and code_matches(f.code, tuple(ignore)):
            continue
        if config.exclude and f.path not in abspaths:
            # A defect a checked file reaches in an excluded helper module
            # (vendored code, ``legacy/``) is that module's: not reported,
            # as nothing in it is.  A file named on the command line is checked
            # whatever ``exclude`` says, and keeps its findings.
            if path_matches(config.relative(Path(os.path.abspath(f.path))), config.exclude):
                continue
        if config.per_file_ignores:
            relative = config.relative(Path(abspaths.get(f.path) or os.path.abspath(f.path)))
            if any(
                code_matches(f.code, codes) and path_matches(relative, (glob,))
                for glob, codes in config.per_file_ignores
            ):
                continue
        kept.append(f)
    return kept


# --------------------------------------------------------------------------
# Many files


def lint_paths(
    paths: Sequence[str],
    trace: bool = False,
    config: Optional[Config] = None,
    *,
    select: Optional[Sequence[str]] = None,
    ignore: Optional[Sequence[str]] = None,
    jobs: Optional[int] = None,
    use_cache: bool = True,
) -> LintResult:
    """Lint files and directories.

    ``select`` replaces the configured selection, ``ignore`` adds to the
    configured one.  Raises MissingPathError / ConfigError (usage errors) and
    TraceUnavailable; everything that goes wrong with one file is reported in
    the result instead.
    """
    paths = list(paths) or ["."]
    if config is None:
        config = load_config(paths[0])
    cli_select = parse_selectors(list(select), "--select") if select else None
    cli_ignore = parse_selectors(list(ignore), "--ignore") if ignore else ()
    check_selectors(config, cli_select, cli_ignore)
    eff_select = cli_select if select else config.select
    eff_ignore = config.ignore + cli_ignore
    if trace:
        _check_trace_available()

    found = discover(paths, config)

    from kgraphlint.static.modules import reset_shared_loader, shared_loader

    # Files may have changed since the last run in this process; this run
    # reads each one once, into its store.
    store = SourceStore()
    reset_shared_loader(store)
    loader = shared_loader()
    set_active_sources(store)
    try:
        return _lint_files(paths, found, config, store, loader, trace, eff_select, eff_ignore, jobs, use_cache)
    finally:
        set_active_sources(None)


def _lint_files(
    paths: Sequence[str],
    found: Discovery,
    config: Config,
    store: SourceStore,
    loader: Any,
    trace: bool,
    eff_select: Optional[tuple[str, ...]],
    eff_ignore: tuple[str, ...],
    jobs: Optional[int],
    use_cache: bool,
) -> LintResult:
    """:func:`lint_paths` once the files are found and the run's store is set."""
    errors = list(found.errors)
    notes: list[str] = []
    skipped: list[Skip] = _empty_directories(paths, found.files)
    files_checked = 0
    outcomes: dict[str, _Outcome] = {}
    analysed: dict[str, str] = {}  # path -> SHA-256 of the bytes analysed
    pending: list[tuple[Source, Optional[str]]] = []
    cache = None
    if use_cache:
        from kgraphlint.cache import FindingCache, code_fingerprint

        salt = repr((code_fingerprint(), eff_select, eff_ignore))
        cache = FindingCache(config.root, salt)

    reach_memo: dict[str, bool] = {}
    # Every file is read before any cache entry is checked: checking one reads
    # the project modules it depends on, and a file first read that way would
    # carry the loader's spelling of its path (absolute) instead of the user's,
    # so its result would be keyed, cached and reported under the wrong name.
    read = (_read(store, found_file, errors, skipped) for found_file in found.files)
    sources = [source for source in read if source is not None]
    for source in sources:
        data = source.data
        analysed[source.path] = source.digest
        key = cache.key(source.path, data) if cache else None
        cached = cache.get(key) if cache and key else None
        if cached is not None:
            try:
                outcome: Optional[_Outcome] = _Outcome.from_cache(cached, source.path)
            except (KeyError, TypeError, ValueError):
                outcome = None  # an entry from a broken write or older format: recompute
            # Valid while every project module it depends on is unchanged.
            if outcome is not None and trace and outcome.constructions is None:
                outcome = None  # cached by a static run: --trace needs the construction lines
            if outcome is not None and all(
                loader.digest(dep) == digest for dep, digest in outcome.dependencies.items()
            ):
                outcomes[source.path] = outcome
                continue
        pending.append((source, key))

    jobs_list = []
    for source, _ in pending:
        if _mentions_keras(source.data):
            reach_memo[source.abspath] = True
            jobs_list.append((source, True))
        else:
            jobs_list.append((source, _reaches_keras(source.abspath, source.data, reach_memo, store)))
    results = _analyse_all(jobs_list, eff_select, eff_ignore, jobs, constructions=trace)
    for (source, key), outcome in zip(pending, results):
        outcomes[source.path] = outcome
        if outcome.decoded is not None:
            source.adopt(outcome.decoded)  # decoded by a --jobs worker
            outcome.decoded = None
        if cache and key and not outcome.errors:
            cache.put(key, outcome.to_cache())
    for path, digest in analysed.items():
        if path in outcomes:
            _stamp_fixes(outcomes[path].findings, digest)

    findings: list[Finding] = []
    for found_file in found.files:
        outcome = outcomes.get(found_file.path)
        if outcome is not None:
            findings.extend(outcome.findings)
            errors.extend(outcome.errors)
            skipped.extend(outcome.skipped)
            # Counted only when it was really read and analysed (or compiled).
            if not any(s.stage == "check" for s in outcome.skipped):
                files_checked += 1

    abspaths = {s.path: s.abspath for s in found.files}
    files_traced: Optional[int] = None
    # One finding per location: files importing a helper report its defects too.
    findings = _dedupe(findings)
    if trace:
        requests = [
            (s, outcomes[s.path].builders, outcomes[s.path].constructions or [])
            for s in found.files
            if s.path in outcomes and outcomes[s.path].parsed
        ]
        trace_skipped: list[Skip] = []
        from kgraphlint.contradiction import withdraw_contradicted

        coverage: dict[str, TraceCoverage] = {}
        trace_findings, trace_errors = _trace(
            requests, config, eff_select, eff_ignore, notes, trace_skipped, coverage, store
        )
        errors.extend(trace_errors)
        skipped.extend(trace_skipped)
        trace_findings = _suppress_elsewhere(trace_findings, abspaths, store)
        # The real graph wins: a static finding its complete trace contradicts goes.
        subjects = {k: v for o in outcomes.values() for k, v in o.subjects.items()}
        findings = withdraw_contradicted(findings, trace_findings, subjects, coverage)
        # Both lists are free of duplicates, and so is their merge.
        findings = merge_trace(findings, trace_findings)
        not_traced = {s.path for s in trace_skipped if not is_partial(s)}
        files_traced = sum(1 for s, *_ in requests if s.path not in not_traced)

    findings = _select(findings, eff_select, eff_ignore, config, abspaths)
    findings.sort(key=Finding.sort_key)
    errors.sort(key=lambda e: (e.path, e.message))
    internal = sum(1 for e in errors if e.message.startswith("internal error"))
    skipped = _unique_skips(skipped)
    # The reports point into these files only: the others' bytes can go.
    store.retain(
        [f.path for f in findings] + [r.path for f in findings for r in f.related]
    )
    return LintResult(
        findings, errors, files_checked, internal, notes, skipped, files_traced,
        analysed=[source.path for source, interpreted in jobs_list if interpreted], sources=store,
    )


def _empty_directories(paths: Sequence[str], files: Sequence[SourceFile]) -> list[Skip]:
    """A directory argument in which nothing was found: say so, never "passed"."""
    found = [f.abspath for f in files]
    empty = []
    for raw in paths:
        if not os.path.isdir(raw):
            continue
        prefix = os.path.join(os.path.abspath(raw), "")
        if not any(f.startswith(prefix) for f in found):
            empty.append(Skip(raw, NOTHING_FOUND, "check"))
    return empty


def _unique_skips(skipped: Iterable[Skip]) -> list[Skip]:
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for s in skipped:
        if (s.path, s.stage, s.reason) not in seen:
            seen.add((s.path, s.stage, s.reason))
            unique.append(s)
    return sorted(unique, key=lambda s: (s.path, s.stage, s.reason))


def check_selectors(
    config: Config, select: Optional[Sequence[str]] = None, ignore: Sequence[str] = ()
) -> None:
    """Raise ConfigError for a rule code or prefix that matches no rule.

    ``--select KG999`` would otherwise select nothing and report a clean run.
    Checked against the live registry (rule families come and go).
    """
    from kgraphlint.rules import unknown_selectors

    where = f"{config.source}: " if config.source else ""
    groups: list[tuple[str, Sequence[str]]] = [
        ("--select", select or ()),
        ("--ignore", ignore),
        (f"{where}select", config.select or ()),
        (f"{where}ignore", config.ignore),
    ]
    groups += [(f"{where}per-file-ignores {glob!r}", codes) for glob, codes in config.per_file_ignores]
    for label, selectors in groups:
        missing = unknown_selectors(selectors)
        if missing:
            from kgraphlint.rules import all_rules

            what = ", ".join(repr(m) for m in missing)
            raise ConfigError(
                f"{label}: {what} {'matches' if len(missing) == 1 else 'match'} no rule "
                f"(known rules: {', '.join(all_rules())}; `kgraphlint --explain CODE` describes one)"
            )


def _read(store: SourceStore, source: SourceFile, errors: list[FileError], skipped: list[Skip]) -> Optional[Source]:
    limit = MAX_NOTEBOOK_BYTES if is_notebook(source.path) else MAX_FILE_BYTES
    # What is opened is checked, not what discovery saw: the path may have been
    # swapped for a FIFO or a device since (reading one would block or never end).
    try:
        return store.load(source.path, limit, source.abspath)
    except IsADirectoryError:
        errors.append(FileError(source.path, "is a directory, not a Python file"))
    except NotRegularFile as exc:
        errors.append(FileError(source.path, describe(exc)))
    except FileTooLarge:
        # Not an error in the file: a limit of ours (such files are generated).
        skipped.append(Skip(source.path, f"file is larger than {limit // (1024 * 1024)} MiB", "check"))
    except OSError as exc:
        errors.append(FileError(source.path, f"cannot read file: {describe(exc)}"))
    return None


def _analyse_all(
    jobs_list: list[tuple[Source, bool]],
    select: Optional[tuple[str, ...]],
    ignore: tuple[str, ...],
    jobs: Optional[int],
    constructions: bool = False,
) -> list[_Outcome]:
    worker = partial(_analyse_job, select=select, ignore=ignore, constructions=constructions)
    workers = min(jobs or os.cpu_count() or 1, len(jobs_list))
    if workers > 1 and len(jobs_list) > PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        chunk = max(1, len(jobs_list) // (workers * 4))
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                return list(pool.map(worker, jobs_list, chunksize=chunk))
        except (BrokenProcessPool, OSError, NotImplementedError):
            pass  # no processes available here (sandbox, limits): run serially
    return [worker(job) for job in jobs_list]


def _pool_context():  # -> multiprocessing context
    import multiprocessing
    import sys
    import threading

    # Forking is the cheapest start, but forking a process that has threads
    # (TensorFlow's, when kgraphlint runs inside pytest) can deadlock the child.
    if threading.active_count() > 1 or "tensorflow" in sys.modules:
        return multiprocessing.get_context("spawn")
    return None  # the platform default


# --------------------------------------------------------------------------
# Trace


def _check_trace_available() -> None:
    import importlib.util

    # find_spec does not import TensorFlow: the worker does that, once.
    try:
        found = importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        found = False
    if not found:
        raise TraceUnavailable(TRACE_UNAVAILABLE)


def _trace(
    requests: list[tuple[SourceFile, list[tuple[str, int]], list[int]]],
    config: Config,
    select: Optional[tuple[str, ...]],
    ignore: tuple[str, ...],
    notes: list[str],
    skipped: list[Skip],
    coverage: Optional[dict[str, "TraceCoverage"]] = None,
    store: Optional[SourceStore] = None,
) -> tuple[list[Finding], list[FileError]]:
    """Trace the files; their findings, kgraphlint's own errors, and in
    ``skipped`` the files that could not be (fully) traced for a reason that is
    not the file's fault (no network, no data file, a missing package...), or
    whose models the trace did not build (:mod:`kgraphlint.trace.coverage`)."""
    try:
        from kgraphlint.trace.coverage import plan_file, script_exits
        from kgraphlint.trace.errors import short_message
        from kgraphlint.trace.runner import TraceRequest, trace_files
        from kgraphlint.rules.raised import findings_from_raised
    except ImportError as exc:
        raise TraceUnavailable(f"the trace engine is not available ({exc})") from None
    if not requests:
        return [], []
    known = store if store is not None else SourceStore()
    plans = {s.path: plan_file(s.path, s.abspath, lines, b, known.get(s.abspath)) for s, b, lines in requests}
    facts_by_path = trace_files(
        [
            TraceRequest(
                path=s.path, abspath=s.abspath, builders=list(b), trainers=plans[s.path].trainers,
                text=_analysed_text(store, s),
            )
            for s, b, _ in requests
        ],
        config,
    )
    graph_rules = [r for r in _rules_for(select, ignore) if not r.source_rule]
    findings: list[Finding] = []
    errors: list[FileError] = []
    trace_codes = [r.code for r in graph_rules if "T" in r.engines]
    from kgraphlint.contradiction import TraceCoverage

    for path, facts in facts_by_path.items():
        path_skips = _trace_skips(path, getattr(facts, "trace_skipped", None) or ())
        exits = script_exits(plans[path], facts) if path in plans else []
        if exits:
            facts.errors = [e for e in facts.errors if e not in exits]
            path_skips.append(Skip(path, f"it stops when imported ({short_message(exits[0].message, 160)})", "trace"))
        skipped.extend(path_skips)
        if coverage is not None:
            coverage[path] = TraceCoverage.of(path, facts, trace_codes, skipped=bool(path_skips))
        for rule in graph_rules:
            try:
                findings.extend(rule.check(facts))
            except (Exception, RecursionError) as exc:
                errors.append(_internal(path, f"in rule {rule.code} (trace)", exc))
        try:
            findings.extend(findings_from_raised(facts))
        except (Exception, RecursionError) as exc:
            errors.append(_internal(path, "while reporting trace errors", exc))
    skipped.extend(_coverage_skips(list(plans.values()), facts_by_path, skipped, config))
    return _dedupe(findings), errors


def _coverage_skips(plans: list[Any], facts_by_path: dict[str, Any], skipped: list[Skip], config: Config) -> list[Skip]:
    """A skip for each file whose model constructions the trace did not build
    (a file already reported as not traced at all is left as it is)."""
    from kgraphlint.report.summary import is_partial
    from kgraphlint.trace.calls import calls_for
    from kgraphlint.trace.coverage import coverage_skip, traced_lines

    not_traced = {s.path for s in skipped if s.stage == "trace" and not is_partial(s)}
    lines, unplaced = traced_lines(facts_by_path.values())
    roots = [str(config.root), os.getcwd()]
    found = []
    for plan in plans:
        if plan.path in not_traced:
            continue
        configured = [c.function for c in calls_for(list(config.trace_calls), plan.abspath, roots)[0]]
        skip = coverage_skip(plan, facts_by_path.get(plan.path), lines, unplaced, config, configured)
        if skip is not None:
            found.append(skip)
    return found


def _analysed_text(store: Optional[SourceStore], source: SourceFile) -> Optional[str]:
    """The decoded text the tracer runs and labels (a .py file as analysed;
    None: the worker reads the file, e.g. a notebook, whose cells it needs)."""
    known = store.get(source.abspath) if store is not None else None
    if known is None or known.is_notebook:
        return None
    from kgraphlint.static.parse import ParseFailure

    try:
        return known.text()
    except ParseFailure:
        return None


def _trace_skips(path: str, entries: Iterable[Any]) -> list[Skip]:
    """The tracer's "could not trace" records as Skip entries (stage "trace").

    The worker sends Skip objects, their dicts, or strings "cannot trace PATH: why".
    """
    skips = []
    for entry in entries:
        if isinstance(entry, Skip):
            skips.append(entry)
            continue
        if isinstance(entry, dict) and "reason" in entry:  # a Skip that crossed the pipe
            skips.append(Skip(str(entry.get("path") or path), str(entry["reason"]), str(entry.get("stage") or "trace")))
            continue
        reason = str(entry).strip()
        # "cannot trace PATH: why" / "not traced: why" read "PATH: not traced: why"
        # in the report; "not fully traced: why" keeps its words (a partial trace).
        for prefix in (f"cannot trace {path}: ", "not traced: "):
            if reason.startswith(prefix):
                reason = reason[len(prefix):]
        skips.append(Skip(path, reason, "trace"))
    return skips


def _suppress_elsewhere(
    findings: list[Finding], abspaths: dict[str, str], store: Optional[SourceStore] = None
) -> list[Finding]:
    """Apply suppression comments to trace findings (they may be in any file),
    and give positions in notebooks by cell.  The files come from the run's
    store: read and decoded once, their comments tokenized once."""
    from kgraphlint.static.parse import ParseFailure

    store = store if store is not None else SourceStore()
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    kept: list[Finding] = []
    for path, group in by_path.items():
        notebook = None
        try:
            limit = MAX_NOTEBOOK_BYTES if is_notebook(path) else MAX_FILE_BYTES
            source = store.load(path, limit, abspaths.get(path) or os.path.abspath(path))
            if is_notebook(path):
                notebook = source.notebook()
            suppressions = source.suppressions()
        except (OSError, ParseFailure, NotebookError):
            kept.extend(group)
            continue
        group = filter_suppressed(group, suppressions)
        # Trace sites are program lines of the notebook: report them by cell.
        kept.extend(to_cells(group, path, notebook.cells) if notebook is not None else group)
    return kept


def merge_trace(static: list[Finding], trace: list[Finding]) -> list[Finding]:
    """Merge trace findings into static ones.

    Same (code, path, line) -> one finding, engine "both", static wording, plus
    the related locations only the trace knew.  A trace KG901 on a line where
    static already reports an error explains the same crash: folded in.
    """
    by_key = {(f.code, f.path, f.cell, f.line): f for f in static}
    errors_at: dict[tuple[str, Optional[int], int], Finding] = {}
    for f in static:
        if f.severity == "error":
            errors_at.setdefault((f.path, f.cell, f.line), f)
    merged = list(static)
    for t in trace:
        s = by_key.get((t.code, t.path, t.cell, t.line))
        if s is None and t.code == "KG901":
            s = errors_at.get((t.path, t.cell, t.line))
            if s is not None:
                s.engine = "both"
                continue
        if s is None:
            merged.append(t)
            by_key[(t.code, t.path, t.cell, t.line)] = t
            continue
        if s.engine != t.engine:
            s.engine = "both"
        known = {(r.path, r.cell, r.line, r.column) for r in s.related}
        for r in t.related:
            if (r.path, r.cell, r.line, r.column) not in known:
                s.related.append(Related(r.path, r.line, r.column, r.message, r.cell))
                known.add((r.path, r.cell, r.line, r.column))
    return merged
