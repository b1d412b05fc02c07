"""The static engine: facts about a module's models, without running it."""

from __future__ import annotations

import os
from typing import Optional

from kgraphlint.graph import Facts
from kgraphlint.static.interpreter import Interpreter
from kgraphlint.static.modules import ModuleLoader
from kgraphlint.static.source import SourceContext

# Benchmarks only (benchmarks/bench_project.py): analyse every file alone, as
# if the project's imports named unknown modules, to measure in the same run
# what following them costs.  Not a user setting.
_FILES_ALONE = "_KGRAPHLINT_BENCH_FILES_ALONE"


def analyze(ctx: SourceContext, loader: Optional[ModuleLoader] = None) -> Facts:
    """Interpret the module abstractly and return what it builds.

    With a ``loader``, imports of the project's own modules are followed (see
    :mod:`kgraphlint.static.modules`); the files the result depends on are in
    ``facts.dependencies``.
    """
    if os.environ.get(_FILES_ALONE):
        loader = None
    interpreter = Interpreter(ctx, loader)
    facts = interpreter.run(ctx.module)
    facts.dependencies = dict(interpreter.dependencies)
    facts.module_texts = dict(interpreter.module_texts)
    return facts
