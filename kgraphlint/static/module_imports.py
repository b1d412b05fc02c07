"""Imports: the project's own modules, interpreted like same-file code; the rest stays a name."""

from __future__ import annotations

import functools
import os
from typing import Optional, Union

import libcst as cst

from kgraphlint.project import ModuleInfo, Resolution, resolve_absolute, resolve_in_directory, resolve_relative
from kgraphlint.static.values import (
    UNKNOWN,
    Const,
    LazyImport,
    ModuleV,
    Ref,
    SeqV,
    Value,
    resolved,
)
from kgraphlint.static.state import InterpreterState
from kgraphlint.static.imports import ImportBinding, import_bindings
from kgraphlint.static.frames import Frame, MAX_IMPORTED_MODULES, MAX_IMPORT_DEPTH
from kgraphlint.static.syntax import _dotted


def _package_directory(path: Optional[str]) -> Optional[str]:
    """The directory a module's submodules are in (packages only)."""
    if path is None:
        return None
    if os.path.basename(path) == "__init__.py":
        return os.path.dirname(path)
    if os.path.isdir(path):
        return path  # a namespace package
    return None


class ImportsMixin(InterpreterState):
    """Imports: the project's own modules, interpreted like same-file code; the rest stays a name."""

    def exec_import(self, stmt: Union[cst.Import, cst.ImportFrom], frame: Frame) -> None:
        info = frame.module.info if self.loader is not None else None
        if info is None:
            self.import_by_name(stmt, frame)
            return
        if isinstance(stmt, cst.Import):
            for binding in import_bindings(stmt):
                full = binding.module
                assert full is not None
                resolution = self.resolve_import(full, info)
                if not resolution.project:
                    self.bind_by_name(binding, frame)
                    continue
                chain = self.import_chain(full, info)
                complete = len(chain) == len(full.split(".")) and all(m is not None for m in chain)
                # ``import a.b as x`` binds the last module; ``import a.b`` the first.
                module = chain[-1] if binding.aliased else chain[0]
                self.bind(frame, binding.name, module if complete and module is not None else UNKNOWN)
            return
        assert isinstance(stmt, cst.ImportFrom)
        level = len(stmt.relative)
        dotted = _dotted(stmt.module) if stmt.module is not None else ""
        if dotted is None:
            return
        if level == 0:
            resolution = self.resolve_import(dotted, info)
            if not resolution.project:
                self.import_by_name(stmt, frame)
                return
            # Only the module named is interpreted, not its parent packages'
            # ``__init__`` (Python runs them too, but a package whose
            # ``__init__`` imports its whole API would make every file pay for
            # all of it); ``from pkg import name`` reads ``pkg/__init__.py``.
        else:
            resolution = resolve_relative(level, dotted, info)
            self.depend_on(resolution)
        if isinstance(stmt.names, cst.ImportStar):
            source = self.load_module(resolution, dotted)
            if source is not None:
                for name, value in self.public_names(source).items():
                    self.bind(frame, name, value if self.lazy_imports(frame) else resolved(value))
            return
        bindings = import_bindings(stmt)
        if self.lazy_imports(frame):
            for binding in bindings:
                assert binding.attribute is not None
                load = functools.partial(self.imported_name, resolution, dotted, binding.attribute)
                self.bind(frame, binding.name, LazyImport(load))
            return
        source = self.load_module(resolution, dotted)
        for binding in bindings:
            assert binding.attribute is not None
            self.bind(frame, binding.name, self.imported_name(resolution, dotted, binding.attribute, source))

    def lazy_imports(self, frame: Frame) -> bool:
        """Whether ``from m import name`` binds a :class:`LazyImport` in ``frame``:
        at the top level of an imported module, whose names the checked file
        may never read.  The checked file's own imports, and imports that run
        inside functions (the function is being used), load at once."""
        return frame.parent is None and frame.function is None and frame is not self.module_frame

    def imported_name(self, resolution: Resolution, dotted: str, name: str, source: Union[ModuleV, None, bool] = False) -> Value:
        """The value ``from <resolution> import name`` binds (the module is
        loaded unless ``source`` is given)."""
        if source is False:
            source = self.load_module(resolution, dotted)
        found = self.module_attribute(source, name) if isinstance(source, ModuleV) else None
        return found if found is not None else UNKNOWN

    def resolve_import(self, dotted: str, info: ModuleInfo) -> Resolution:
        resolution = resolve_absolute(dotted, info)
        self.depend_on(resolution)
        return resolution

    def depend_on(self, resolution: Resolution) -> None:
        assert self.loader is not None
        for path in resolution.checked:
            if path not in self.dependencies:
                self.dependencies[path] = self.loader.digest(path)

    def import_chain(self, dotted: str, info: ModuleInfo) -> list[Optional[ModuleV]]:
        """``import a.b.c``: modules ``a``, ``a.b``, ``a.b.c`` in turn, each set
        as an attribute of its parent (stops at the first one missing)."""
        parts = dotted.split(".")
        chain: list[Optional[ModuleV]] = []
        for i in range(1, len(parts) + 1):
            resolution = self.resolve_import(".".join(parts[:i]), info)
            module = self.load_module(resolution, ".".join(parts[:i]))
            if module is None:
                chain.append(None)
                break
            if chain and chain[-1] is not None:
                chain[-1].env[parts[i - 1]] = module
            chain.append(module)
        return chain

    def load_module(self, resolution: Resolution, name: str) -> Optional[ModuleV]:
        """The module a resolution names, its code interpreted on first import."""
        if resolution.namespace is not None:
            key = resolution.namespace
            if key not in self.modules:
                self.modules[key] = ModuleV(name, None, key, None)
            return self.modules[key]
        path = resolution.path
        if path is None:
            return None
        if path in self.modules:
            return self.modules[path]  # done, or being imported (a cycle)
        if self.import_depth >= MAX_IMPORT_DEPTH or len(self.modules) >= MAX_IMPORTED_MODULES:
            return None
        assert self.loader is not None
        loaded = self.loader.load(path, self.display_path(path))
        if loaded is None:
            self.modules[path] = None
            return None
        self.dependencies[path] = loaded.digest
        self.module_texts[loaded.ctx.path] = loaded.ctx.text
        frame = Frame(None)
        frame.ctx = loaded.ctx
        frame.info = loaded.info
        frame.env["__name__"] = Const(loaded.info.name or name)
        module = ModuleV(loaded.info.name or name, frame, path, loaded.info)
        self.modules[path] = module
        saved = (
            self.ctx, self.inline_stack, self.uncertain, self.loop_depth, self.speculative, self.in_module_body,
            self.inexact_loops, self.branch_path, self.exact_passes,
        )
        # The module's code runs once, at import (or, for a lazy import, when
        # a name of it is first read), on its own: not inside the importer's
        # branches, loops or functions, and not the checked file's module body.
        self.ctx, self.inline_stack, self.in_module_body = loaded.ctx, [], False
        self.uncertain = self.loop_depth = self.speculative = self.inexact_loops = 0
        self.exact_passes = 1
        self.branch_path = []
        self.import_depth += 1
        try:
            self.exec_block(loaded.ctx.module.body, frame)
        finally:
            (
                self.ctx, self.inline_stack, self.uncertain, self.loop_depth, self.speculative, self.in_module_body,
                self.inexact_loops, self.branch_path, self.exact_passes,
            ) = saved
            self.import_depth -= 1
        # Its top-level names are exports: what importers do not use is not
        # dropped (that module's own check says what it drops).
        for value in list(frame.env.values()):
            self.mark_used(value)
        return module

    def module_attribute(self, module: ModuleV, name: str) -> Optional[Value]:
        """``module.name``: a name the module defines, else its submodule."""
        value = module.env.get(name)
        if value is not None:
            if isinstance(value, LazyImport):
                value = module.env[name] = resolved(value)
            return value
        directory = _package_directory(module.path)
        if directory is None or not name.isidentifier():
            return None
        resolution = resolve_in_directory(directory, (name,))
        self.depend_on(resolution)
        sub = self.load_module(resolution, f"{module.name}.{name}")
        if sub is not None:
            module.env[name] = sub
        return sub

    def public_names(self, module: ModuleV) -> dict[str, Value]:
        """What ``from module import *`` binds: ``__all__`` when the engine
        knows it, else every name not starting with an underscore."""
        declared = module.env.get("__all__")
        if isinstance(declared, SeqV) and declared.exact and all(
            isinstance(i, Const) and isinstance(i.value, str) for i in declared.items
        ):
            result = {}
            for item in declared.items:
                # A lazy name stays lazy (the importer may never read it).
                value = module.env.get(item.value) or self.module_attribute(module, item.value)  # type: ignore[attr-defined]
                result[item.value] = value if value is not None else UNKNOWN  # type: ignore[attr-defined]
            return result
        return {k: v for k, v in module.env.items() if not k.startswith("_")}

    def display_path(self, abspath: str) -> str:
        """How a module's file is named in findings: like the checked file's
        path (relative to the working directory when that one is relative)."""
        if os.path.isabs(self.root_ctx.path):
            return abspath
        try:
            return os.path.relpath(abspath)
        except ValueError:  # another drive
            return abspath

    def _register_root(self, frame: Frame) -> None:
        """The checked file is a module of its project too (imports of it, in
        a cycle, see what it has defined so far)."""
        if self.loader is None:
            return
        abspath = os.path.abspath(self.root_ctx.path)
        if not os.path.isfile(abspath):
            return  # not on disk (a string checked by name): no project around it
        info = self.loader.info(abspath)
        frame.info = info
        self.modules[info.path] = ModuleV(info.name, frame, info.path, info)

    def bind_by_name(self, binding: ImportBinding, frame: Frame) -> None:
        """A name an import binds that does not come from a project module:
        a Ref to its dotted path (UNKNOWN when the path is not known)."""
        if binding.star:
            if binding.level == 0 and binding.module is not None:
                for name in self.library_star_names(binding.module):
                    self.bind(frame, name, Ref(f"{binding.module}.{name}"))
            return
        self.bind(frame, binding.name, Ref(binding.path) if binding.path is not None else UNKNOWN)

    def import_by_name(self, stmt: Union[cst.Import, cst.ImportFrom], frame: Frame) -> None:
        """An import that does not name a project module: names become Refs."""
        for binding in import_bindings(stmt):
            self.bind_by_name(binding, frame)
