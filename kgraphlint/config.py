"""Project configuration: the ``[tool.kgraphlint]`` table of the nearest pyproject.toml.

Everything here is validated up front so that a typo in the configuration is a
one-line usage error (exit status 2), never a traceback halfway through a run.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

FAIL_ON_LEVELS = ("error", "warning", "info")
# A rule selector: ``ALL``, ``KG``, ``KG1``, ``KG10`` or a full code ``KG101``.
_SELECTOR = re.compile(r"^(ALL|KG\d{0,3})$")
# A configuration file larger than this is not a configuration file.
MAX_CONFIG_BYTES = 4 * 1024 * 1024


class ConfigError(Exception):
    """The configuration (file or command line) is invalid: a usage error."""


@dataclass(frozen=True)
class Config:
    select: Optional[tuple[str, ...]] = None  # None: every rule
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # (glob, codes) pairs, in file order; a tuple keeps Config hashable/picklable.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: str = "warning"
    trace_calls: tuple[str, ...] = ()
    trace_timeout: float = 120.0
    # The trace worker is replaced after this many files, or once its memory
    # (resident set) passes this many MiB after a file.
    trace_max_files_per_worker: int = 50
    trace_max_worker_memory_mb: int = 3072
    # Directory paths are matched against (exclude, per-file-ignores) and where
    # the cache lives: the pyproject.toml's directory, else the working directory.
    root: Path = field(default_factory=lambda: Path(os.getcwd()))
    source: Optional[Path] = None  # the file the settings came from, if any

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, in POSIX form (for glob matching)."""
        try:
            return Path(os.path.relpath(path, self.root)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()


def parse_selectors(value: Any, where: str) -> tuple[str, ...]:
    """Validate a list of rule selectors (a list, or a comma-separated string)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise ConfigError(f"{where}: expected a list of rule codes, got {_type_name(value)}")
    items = [v.upper() for v in items if v]
    for item in items:
        if not _SELECTOR.match(item):
            raise ConfigError(f"{where}: {item!r} is not a rule code or prefix (e.g. KG101, KG1, ALL)")
    return tuple(items)


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml at or above ``start``."""
    # abspath, not resolve(): file paths are compared with the root without
    # resolving symlinks either (/tmp -> /private/tmp on macOS).
    start = Path(os.path.abspath(start))
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start_dir: "str | os.PathLike[str] | None" = None) -> Config:
    """Settings from the nearest pyproject.toml at or above ``start_dir``.

    The nearest pyproject.toml also fixes the project root even when it has no
    ``[tool.kgraphlint]`` table (that is where the cache goes).
    """
    start = Path(start_dir) if start_dir is not None else Path.cwd()
    if start.is_file():
        start = start.parent
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Config(root=Path.cwd())
    return load_config_file(pyproject)


def load_config_file(path: "str | os.PathLike[str]") -> Config:
    """Settings from one file: a pyproject.toml (its ``[tool.kgraphlint]`` table) or a
    standalone TOML file whose top level holds the same keys (``--config``)."""
    # Imported here to keep start-up lean.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError("reading pyproject.toml needs Python 3.11+ or the 'tomli' package") from None

    from kgraphlint.safe_io import describe, read_regular

    path = Path(path)
    try:
        # A FIFO or /dev/zero given as --config must not hang the run.
        raw = read_regular(path, MAX_CONFIG_BYTES)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {describe(exc)}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: 'tool' must be a table, got {_type_name(tool)}")
        table = tool.get("kgraphlint", {})
        where = f"{path}: [tool.kgraphlint]"
    else:
        table = data
        where = str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    return config_from_table(table, root=Path(os.path.abspath(path)).parent, source=path, where=where)


def config_from_table(table: dict[str, Any], root: Path, source: Optional[Path] = None, where: str = "config") -> Config:
    """Validate a ``[tool.kgraphlint]`` table into a Config."""
    values: dict[str, Any] = {}
    trace: dict[str, Any] = {}
    for key, value in table.items():
        if key == "trace":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'trace' must be a table (calls, timeout)")
            for sub, sub_value in value.items():
                trace[sub] = (f"trace.{sub}", sub_value)
        elif key.startswith("trace."):
            trace[key[len("trace."):]] = (key, value)
        elif key in ("select", "ignore"):
            values[key] = parse_selectors(value, f"{where}: {key}")
        elif key == "exclude":
            values["exclude"] = _string_list(value, f"{where}: exclude")
        elif key == "per-file-ignores":
            values["per_file_ignores"] = _per_file_ignores(value, f"{where}: per-file-ignores")
        elif key == "fail-on":
            if value not in FAIL_ON_LEVELS:
                raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON_LEVELS)}, got {value!r}")
            values["fail_on"] = value
        else:
            known = "select, ignore, exclude, per-file-ignores, fail-on, " + ", ".join(_TRACE_KEYS)
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {known})")
    for sub, (key, value) in trace.items():
        if sub == "calls":
            values["trace_calls"] = _string_list(value, f"{where}: {key}")
        elif sub == "timeout":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ConfigError(f"{where}: {key} must be a positive number of seconds, got {value!r}")
            values["trace_timeout"] = float(value)
        elif sub in _TRACE_LIMITS:
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(f"{where}: {key} must be a positive whole number, got {value!r}")
            values[_TRACE_LIMITS[sub]] = value
        else:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(_TRACE_KEYS)})")
    return Config(root=root, source=source, **values)


_TRACE_LIMITS = {
    "max-files-per-worker": "trace_max_files_per_worker",
    "max-worker-memory-mb": "trace_max_worker_memory_mb",
}
_TRACE_KEYS = ("trace.calls", "trace.timeout") + tuple(f"trace.{k}" for k in _TRACE_LIMITS)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a list of strings, got {_type_name(value)}")


def _per_file_ignores(value: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of glob = [codes], got {_type_name(value)}")
    return tuple((glob, parse_selectors(codes, f"{where}: {glob!r}")) for glob, codes in value.items())


def _type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def path_matches(relative: str, patterns: "tuple[str, ...] | list[str]") -> bool:
    """Whether a root-relative POSIX path matches one of the glob patterns.

    Like Ruff's ``exclude``: a pattern matches the whole relative path, any
    leading directory of it (``build`` excludes ``build/x.py``), or the base name
    (``*_pb2.py`` excludes it at any depth).
    """
    from fnmatch import fnmatchcase

    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if fnmatchcase(relative, pattern):
            return True
        if "/" not in pattern:
            if any(fnmatchcase(part, pattern) for part in parts):
                return True
        else:
            for i in range(1, len(parts)):
                if fnmatchcase("/".join(parts[:i]), pattern):
                    return True
    return False
