"""The project's own modules, parsed once per process and shared by every file
that imports them.

The interpreter asks :class:`ModuleLoader` for the file an ``import`` names
(:mod:`kgraphlint.project` decides which file that is) and interprets its
module body itself, so an imported helper is interpreted exactly like one
defined in the importing file.  What is shared between importers is the
parse (libcst is most of a file's cost) and the import resolution; the
abstract values are made afresh for every importing file, because they carry
that file's facts.

A module that cannot be read or parsed is ``None``: its importers see its
names as unknown (the module itself gets its KG900 when it is checked).

Files are read through the loader's :class:`~kgraphlint.sources.SourceStore`:
in a run, the run's own (a module that is also checked is read and decoded
once, whichever comes first); otherwise one of the loader's, whose entries go
with the parses they back (a changed or evicted file is read afresh).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from kgraphlint.project import ModuleInfo, module_info
from kgraphlint.sources import SourceStore

if TYPE_CHECKING:
    import libcst as cst

    from kgraphlint.static.source import SourceContext

# libcst is imported only to parse: a run served from the cache never needs it.

# Beyond this an imported file is not read (same limit as checked files).
MAX_MODULE_BYTES = 2 * 1024 * 1024
# A dependency is hashed whatever its size (a change must invalidate the cache).
_MAX_DIGEST_BYTES = 1 << 40
# Parsed modules kept per process; a run over a large code base evicts the
# least recently used (re-parsed if needed again): a parse tree costs about
# a megabyte per thousand lines.  Bounded by lines, not files: a code base
# of a few hundred thousand lines (keras-hub: 816 files, 173,000 lines) is
# parsed once per process, each file whether it is imported or checked first.
MAX_CACHED_MODULES = 2048
MAX_CACHED_LINES = 250_000


@dataclass
class LoadedModule:
    info: ModuleInfo
    ctx: "SourceContext"
    digest: str


class ModuleLoader:
    """Parse cache of imported project files, keyed by absolute path and stat."""

    def __init__(self, sources: Optional[SourceStore] = None) -> None:
        self._modules: dict[str, tuple[tuple[int, int], Optional[LoadedModule]]] = {}
        self._lines = 0  # of the parses kept
        self._infos: dict[str, ModuleInfo] = {}
        self._digests: dict[str, tuple[tuple[int, int], Optional[str]]] = {}
        # A run's store outlives the parses (its reports need the files);
        # the loader's own store is kept as small as its parse cache.
        self._owns_sources = sources is None
        self.sources = sources if sources is not None else SourceStore()

    def info(self, abspath: str) -> ModuleInfo:
        found = self._infos.get(abspath)
        if found is None:
            found = self._infos[abspath] = module_info(abspath)
        return found

    def register(self, abspath: str, ctx: "SourceContext", data: bytes) -> None:
        """The file being checked: importers of it (a cycle) share its parse."""
        from kgraphlint.static.source import make_context

        stamp = _stamp(abspath)
        if stamp is not None:
            # A context of its own: the checked file's context carries its facts,
            # which must not stay alive with the parse.
            shared = make_context(ctx.path, ctx.text, ctx.module)
            known = self.sources.get(abspath)
            digest = known.digest if known is not None and known.data is data else _digest(data)
            self._put(abspath, stamp, LoadedModule(self.info(abspath), shared, digest))

    def parsed(self, abspath: str, data: bytes) -> Optional[tuple[str, "cst.Module"]]:
        """The parse of a file about to be checked, when an importer of it
        already parsed these very bytes (libcst is most of a file's cost)."""
        cached = self._modules.get(abspath)
        loaded = cached[1] if cached is not None else None
        if loaded is None or loaded.digest != _digest(data):
            return None
        return loaded.ctx.text, loaded.ctx.module

    def load(self, abspath: str, display_path: str) -> Optional[LoadedModule]:
        stamp = _stamp(abspath)
        if stamp is None:
            return None
        cached = self._modules.get(abspath)
        if cached is not None and cached[0] == stamp:
            # Most recently used last: the eviction order.
            self._modules[abspath] = self._modules.pop(abspath)
            return cached[1]
        if cached is not None:
            self.sources.forget(abspath)  # changed since it was read
        loaded = self._parse(abspath, display_path)
        self._put(abspath, stamp, loaded)
        return loaded

    def digest(self, abspath: str) -> Optional[str]:
        """sha256 of a file's bytes (None: missing or unreadable), memoised by stat."""
        stamp = _stamp(abspath)
        if stamp is None:
            return None
        cached = self._digests.get(abspath)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        if cached is not None:
            self.sources.forget(abspath)  # changed since it was read
        try:
            value: Optional[str] = self.sources.load(abspath, _MAX_DIGEST_BYTES).digest
        except OSError:
            value = None
        self._digests[abspath] = (stamp, value)
        return value

    def _put(self, abspath: str, stamp: tuple[int, int], loaded: Optional[LoadedModule]) -> None:
        self._drop(abspath)
        lines = _lines(loaded)
        while self._modules and (len(self._modules) >= MAX_CACHED_MODULES or self._lines + lines > MAX_CACHED_LINES):
            evicted = next(iter(self._modules))
            self._drop(evicted)
            if self._owns_sources:
                self.sources.forget(evicted)
        self._modules[abspath] = (stamp, loaded)
        self._lines += lines
        if loaded is not None:
            self._digests[abspath] = (stamp, loaded.digest)

    def _drop(self, abspath: str) -> None:
        cached = self._modules.pop(abspath, None)
        if cached is not None:
            self._lines -= _lines(cached[1])

    def _parse(self, abspath: str, display_path: str) -> Optional[LoadedModule]:
        import libcst as cst

        from kgraphlint.static.parse import ParseFailure, check_bytes, parse_text
        from kgraphlint.static.source import make_context

        try:
            source = self.sources.load(abspath, MAX_MODULE_BYTES)
        except OSError:  # FileTooLarge included
            return None
        try:
            check_bytes(source.data)
            text = source.text()
            module = parse_text(text, display_path)
        except (ParseFailure, RecursionError, MemoryError):
            return None
        if not isinstance(module, cst.Module):
            return None
        return LoadedModule(self.info(abspath), make_context(display_path, text, module), source.digest)


def _lines(loaded: Optional[LoadedModule]) -> int:
    return loaded.ctx.text.count("\n") + 1 if loaded is not None else 0


def _stamp(abspath: str) -> Optional[tuple[int, int]]:
    try:
        st = os.stat(abspath)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_LOADER: Optional[ModuleLoader] = None


def shared_loader() -> ModuleLoader:
    """The process's loader (each ``--jobs`` worker has its own)."""
    global _LOADER
    if _LOADER is None:
        _LOADER = ModuleLoader()
    return _LOADER


def reset_shared_loader(sources: Optional[SourceStore] = None) -> None:
    """Start a run afresh: files may have changed since the last one.
    ``sources``: the run's store, through which the loader reads."""
    global _LOADER
    _LOADER = ModuleLoader(sources) if sources is not None else None
    from kgraphlint.project import clear_caches

    clear_caches()
