"""kgraphlint: a linter for Keras functional-API models."""

# First of all, before any import that could be served from the directory
# being linted (no ``from __future__`` here: that is an import too).
from kgraphlint._startup import protect_import_path

protect_import_path()

from typing import TYPE_CHECKING, Any, Iterable, Optional  # noqa: E402

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kgraphlint.config import Config
    from kgraphlint.findings import Finding


def lint_paths(
    paths: Iterable[str], trace: bool = False, config: Optional["Config"] = None
) -> list["Finding"]:
    """Lint files and directories and return the findings.

    Files that are not valid Python come back as KG900 findings.  Files that
    could not be read at all (broken symlinks, unreadable, too large) are not
    findings: use :func:`kgraphlint.lint.lint_paths`, whose result also carries
    them as ``errors``.
    """
    from kgraphlint.lint import lint_paths as _lint_paths

    return _lint_paths(list(paths), trace=trace, config=config).findings


def check_model(model: Any) -> list["Finding"]:
    """Run the graph rules on a Keras model object that already exists."""
    from kgraphlint.trace.model_facts import check_model as _check_model

    return _check_model(model)


__all__ = ["__version__", "lint_paths", "check_model"]
