"""The static engine: facts about a module's models, without running it."""

from __future__ import annotations

from kgraphlint.graph import Facts
from kgraphlint.static.interpreter import Interpreter
from kgraphlint.static.source import SourceContext


def analyze(ctx: SourceContext) -> Facts:
    """Interpret the module abstractly and return what it builds."""
    return Interpreter(ctx).run(ctx.module)
