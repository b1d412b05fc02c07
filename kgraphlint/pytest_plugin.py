"""pytest integration: the ``kgraph`` fixture and ``pytest --kgraphlint``.

This module is loaded (through the ``pytest11`` entry point) by *every* pytest
run in an environment where kgraphlint is installed, so it imports nothing heavy
at import time: no keras, no libcst.  It holds no lint logic of its own; it
delegates to :func:`kgraphlint.check_model` and :func:`kgraphlint.lint.lint_paths`
so that pytest and the CLI can never disagree.

- ``kgraph`` fixture: ``kgraph.check(model) -> list[Finding]`` and
  ``kgraph.assert_clean(model, fail_on=None)``.
- ``pytest --kgraphlint``: every collected ``.py`` file and notebook also becomes a static
  lint item, and every Keras functional model that test code builds during a
  test is checked when the test ends (error-level findings fail the test).

The failing level comes from the ini option ``kgraphlint_fail_on``, else from
``fail-on`` in ``[tool.kgraphlint]`` of the nearest pyproject.toml, else
``"warning"``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, cast

import pytest

from kgraphlint.findings import SEVERITIES, severity_rank

if TYPE_CHECKING:
    from importlib.abc import Loader

    from kgraphlint.findings import FileError, Finding

DEFAULT_FAIL_ON = "warning"


class KgraphlintWarning(pytest.PytestWarning):
    """kgraphlint could not check something (never fails a user's test)."""


# ----------------------------------------------------------------------
# options and configuration


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kgraphlint", "Keras functional-API graph linting")
    group.addoption(
        "--kgraphlint",
        action="store_true",
        default=False,
        help="lint every collected .py file statically with kgraphlint and check "
        "every Keras functional model built during a test",
    )
    parser.addini(
        "kgraphlint_fail_on",
        help="lowest finding severity that fails a test: info, warning or error "
        "(default: fail-on of [tool.kgraphlint], else warning)",
        default=None,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kgraphlint: static kgraphlint check of one file")
    if config.getoption("kgraphlint"):
        config.pluginmanager.register(_ModelWatch(config), "kgraphlint-model-watch")


_CONFIG_KEY = pytest.StashKey[Any]()


def project_config(config: pytest.Config) -> Any:
    """``[tool.kgraphlint]`` of the nearest pyproject.toml at or above the rootdir."""
    if _CONFIG_KEY not in config.stash:
        from kgraphlint.config import ConfigError, load_config

        try:
            config.stash[_CONFIG_KEY] = load_config(config.rootpath)
        except ConfigError as exc:  # same as the CLI: a usage error, not a traceback
            raise pytest.UsageError(f"kgraphlint: {exc}") from None
    return config.stash[_CONFIG_KEY]


def fail_on_level(config: pytest.Config) -> str:
    level = config.getini("kgraphlint_fail_on") or project_config(config).fail_on or DEFAULT_FAIL_ON
    level = str(level).strip().lower()
    if level not in SEVERITIES:
        raise pytest.UsageError(
            f"kgraphlint: fail-on must be one of {', '.join(SEVERITIES)}, got {level!r}"
        )
    return level


def at_or_above(findings: Iterable["Finding"], level: str) -> list["Finding"]:
    threshold = severity_rank(level)
    return [f for f in findings if severity_rank(f.severity) >= threshold]


def format_findings(findings: Iterable["Finding"], errors: Iterable["FileError"] = ()) -> str:
    """The plain-text report (codes, lines, related places, hints)."""
    findings = sorted(findings, key=lambda f: f.sort_key())
    errors = list(errors)
    formatter = _text_formatter()
    lines: list[str] = []
    for finding in findings:
        if formatter is not None:
            lines.append(formatter(finding).rstrip("\n"))
            continue
        lines.append(
            f"{finding.path}:{finding.line}:{finding.column}: {finding.code} "
            f"[{finding.name}] {finding.message}"
        )
        for rel in finding.related:
            lines.append(f"    {rel.path}:{rel.line}:{rel.column}: note: {rel.message}")
        if finding.hint:
            lines.append(f"    help: {finding.hint}")
    for error in errors:
        lines.append(f"{error.path}: error: {error.message}")
    n = len(findings)
    lines.append(f"kgraphlint: {n} finding{'s' if n != 1 else ''}")
    return "\n".join(lines)


def _text_formatter() -> Optional[Callable[["Finding"], str]]:
    # Reuse the CLI's text reporter when it offers a per-finding formatter, so
    # pytest and the CLI print the same thing.
    try:
        from kgraphlint.report import text
    except ImportError:
        return None
    return getattr(text, "format_finding", None)


# ----------------------------------------------------------------------
# the kgraph fixture


class KGraph:
    """What the ``kgraph`` fixture gives a test."""

    def __init__(self, fail_on: str = DEFAULT_FAIL_ON) -> None:
        self.fail_on = fail_on

    def check(self, model: Any) -> list["Finding"]:
        """Findings of the graph rules for a built Keras model."""
        from kgraphlint import check_model

        return check_model(model)

    def assert_clean(self, model: Any, fail_on: Optional[str] = None) -> None:
        """Fail the test if the model has a finding at or above ``fail_on``."""
        level = (fail_on or self.fail_on).lower()
        if level not in SEVERITIES:
            raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}, got {fail_on!r}")
        bad = at_or_above(self.check(model), level)
        if bad:
            name = getattr(model, "name", type(model).__name__)
            pytest.fail(
                f"kgraphlint found problems in model {name!r}:\n{format_findings(bad)}",
                pytrace=False,
            )


@pytest.fixture
def kgraph(request: pytest.FixtureRequest) -> KGraph:
    """Check Keras models: ``kgraph.check(model)``, ``kgraph.assert_clean(model)``."""
    return KGraph(fail_on_level(request.config))


# ----------------------------------------------------------------------
# pytest --kgraphlint: static lint items


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional[pytest.Collector]:
    config = parent.config
    # Notebooks too: their code cells are checked as one program, by cell.
    if file_path.suffix in (".py", ".ipynb") and config.getoption("kgraphlint"):
        return KgraphlintFile.from_parent(parent, path=file_path)
    return None


class KgraphlintFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield KgraphlintItem.from_parent(self, name="kgraphlint")


class KgraphlintError(Exception):
    """The lint item's failure; its text is the report."""


class KgraphlintItem(pytest.Item):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("kgraphlint")

    def runtest(self) -> None:
        from kgraphlint.lint import lint_paths

        level = fail_on_level(self.config)
        result = lint_paths([_display_path(self.path, self.config)])
        bad = at_or_above(result.findings, level)
        if bad or result.errors:
            raise KgraphlintError(format_findings(bad, result.errors))
        not_checked = [s for s in result.skipped if s.stage == "check"]
        if not_checked:
            # Never "passed" for a file that was not checked.
            pytest.skip("kgraphlint did not check this file: " + "; ".join(s.reason for s in not_checked))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, KgraphlintError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, Optional[int], str]:
        return self.path, None, f"kgraphlint::{self.path.name}"


def _display_path(path: Path, config: pytest.Config) -> str:
    # Relative paths read better in reports and match what the CLI prints.
    try:
        return os.path.relpath(path, config.invocation_params.dir)
    except ValueError:  # another drive on Windows
        return str(path)


# ----------------------------------------------------------------------
# pytest --kgraphlint: models built during a test


class _ModelWatch:
    """Collects the functional models test code builds and checks them at test end.

    The Keras hook is installed at most once per session, only with
    ``--kgraphlint``, only when Keras is installed, and only once Keras has
    been imported by the tests themselves (an import hook waits for it), so a
    session that never touches Keras never pays for importing it.  It is
    removed at the end of the session.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.current: Optional[list[Any]] = None
        self.hook: Optional[_FunctionalHook] = None
        if importlib.util.find_spec("keras") is not None:
            self.hook = _FunctionalHook(self._record)
            self.hook.install()

    def _record(self, model: Any) -> None:
        if self.current is not None:
            self.current.append(model)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.hook is not None:
            self.hook.remove()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        if isinstance(item, KgraphlintItem):
            return (yield)
        self.current = []  # models built by fixtures count for the test
        try:
            return (yield)
        except BaseException:
            self.current = None
            raise

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        if isinstance(item, KgraphlintItem) or self.current is None:
            return (yield)
        try:
            result = yield
            models, self.current = self.current, None
        finally:
            self.current = None
        self._check(models)
        return result

    def _check(self, models: list[Any]) -> None:
        """Error-level findings fail the test; lesser ones at or above fail-on
        become warnings (a model built in a test may be half-finished on purpose)."""
        from kgraphlint import check_model

        level = fail_on_level(self.config)
        seen: set[tuple[Any, ...]] = set()
        errors: list["Finding"] = []
        lesser: list["Finding"] = []
        for model in models:
            try:
                findings = check_model(model)
            except Exception as exc:  # our failure must not fail the user's test
                warnings.warn(
                    KgraphlintWarning(
                        f"kgraphlint could not check model {getattr(model, 'name', model)!r}: "
                        f"{type(exc).__name__}: {exc}"
                    ),
                    stacklevel=1,
                )
                continue
            for finding in at_or_above(findings, level):
                key = (*finding.sort_key(), finding.message)
                if key in seen:
                    continue
                seen.add(key)
                (errors if finding.severity == "error" else lesser).append(finding)
        if lesser:
            warnings.warn(
                KgraphlintWarning("kgraphlint found problems in Keras models built by this test:\n" + format_findings(lesser)),
                stacklevel=1,
            )
        if errors:
            pytest.fail(
                "kgraphlint found errors in Keras models built by this test:\n" + format_findings(errors),
                pytrace=False,
            )


_FUNCTIONAL_MODULE = "keras.src.models.functional"


class _FunctionalHook:
    """Wraps ``Functional.__init__`` to report each model built by user code.

    Keras is not imported here: if it is not imported yet, a meta-path finder
    patches the class right after Keras itself imports the module.
    """

    def __init__(self, record: Callable[[Any], None]) -> None:
        self.record = record
        self.original: Optional[Callable[..., None]] = None
        self.finder: Optional[_AfterImport] = None

    def install(self) -> None:
        module = sys.modules.get(_FUNCTIONAL_MODULE)
        if module is not None:
            self._patch(module)
        else:
            self.finder = _AfterImport(_FUNCTIONAL_MODULE, self._patch)
            sys.meta_path.insert(0, self.finder)

    def remove(self) -> None:
        if self.finder is not None and self.finder in sys.meta_path:
            sys.meta_path.remove(self.finder)
        self.finder = None
        module = sys.modules.get(_FUNCTIONAL_MODULE)
        if self.original is not None and module is not None:
            module.Functional.__init__ = self.original
        self.original = None

    def _patch(self, module: Any) -> None:
        import inspect

        functional = module.Functional
        original = functional.__init__
        # Model.from_config compares getfullargspec(Functional.__init__) with
        # the model's own signature, so the wrapper must keep exactly the same
        # one; on a Keras whose signature differs, do not hook at all.
        if inspect.getfullargspec(original).args != ["self", "inputs", "outputs", "name"]:
            warnings.warn(KgraphlintWarning("kgraphlint: unsupported Keras version, models are not checked"), stacklevel=1)
            return
        keras_dir = os.path.dirname(os.path.dirname(os.path.dirname(module.__file__)))
        record = self.record

        def __init__(self: Any, inputs: Any, outputs: Any, name: Any = None, **kwargs: Any) -> None:
            original(self, inputs, outputs, name=name, **kwargs)
            if _built_by_user_code(sys._getframe(1), keras_dir):
                record(self)

        __init__.__wrapped_by_kgraphlint__ = True  # type: ignore[attr-defined]
        functional.__init__ = __init__
        self.original = original


def _built_by_user_code(frame: Any, keras_dir: str) -> bool:
    """Whether the model is built by user code, not inside Keras itself.

    ``keras.Model(inputs, outputs)`` reaches ``Functional.__init__`` straight
    from the user's frame; a Model subclass calling ``super().__init__(inputs,
    outputs)`` goes through ``Model.__init__``.  Models that Keras builds for
    itself (``Sequential`` internals, ``keras.applications``) are library code.
    """
    if (
        frame is not None
        and frame.f_code.co_name == "__init__"
        and frame.f_code.co_filename.endswith(os.path.join("models", "model.py"))
    ):
        frame = frame.f_back
    if frame is None:
        return False
    return not os.path.abspath(frame.f_code.co_filename).startswith(keras_dir + os.sep)


class _AfterImport:
    """A meta-path finder that runs ``callback(module)`` once ``name`` is imported."""

    def __init__(self, name: str, callback: Callable[[Any], None]) -> None:
        self.name = name
        self.callback = callback

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        # Let the rest of the import system find the real module, then wrap
        # its loader so the callback runs after the module body.
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        callback = self.callback

        class _Loader:
            # Everything but exec_module (get_source for tracebacks...) is the
            # real loader's.
            def __getattr__(self, attr: str) -> Any:
                return getattr(loader, attr)

            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: Any) -> None:
                loader.exec_module(module)
                callback(module)

        # Duck-typed: the real loader's other methods come through __getattr__.
        spec.loader = cast("Loader", _Loader())
        return spec
