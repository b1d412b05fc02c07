"""KG900 parse-error: the file is not valid Python, or cannot be decoded."""

from __future__ import annotations

from typing import ClassVar

from kgraphlint.findings import Finding
from kgraphlint.graph import Site
from kgraphlint.rules.base import Rule


class ParseError(Rule):
    """
    ## What it does
    Reports a file that Python itself cannot read as source: a syntax
    error, bytes that are not valid in the file's encoding (UTF-8 unless a
    PEP 263 `# -*- coding: ... -*-` line says otherwise), a UTF-16 or UTF-32
    file, or a binary file (NUL bytes) with a `.py` name.  Every file is
    checked, whether it uses Keras or not.  Valid Python that kgraphlint's
    parser cannot read is never reported here: it is listed as skipped, with
    the reason.

    ## Why is this bad?
    Nothing in the file can be checked, and Python itself will refuse to
    import it. The rest of the project is still checked.

    ## Example
    ```python
    import keras

    inputs = keras.Input(shape=(8,)
    outputs = keras.layers.Dense(1)(inputs)
    ```

    ## Use instead
    ```python
    import keras

    inputs = keras.Input(shape=(8,))
    outputs = keras.layers.Dense(1)(inputs)
    ```
    """

    code = "KG900"
    name = "parse-error"
    severity = "error"
    engines = "S"
    summary = "The file is not valid Python (or not decodable)."
    source_rule = True
    # The INVALID sample cannot go through the normal engine: the generic
    # sample test skips rules marked like this and tests/test_bad_input.py
    # checks them through the pipeline instead.
    sample_kind: ClassVar[str] = "unparsable"

    VALID = (
        "import keras\n\ninputs = keras.Input(shape=(8,))\noutputs = keras.layers.Dense(1)(inputs)\n",
    )
    INVALID = (
        "import keras\n\ninputs = keras.Input(shape=(8,)  # expect\noutputs = keras.layers.Dense(1)(inputs)\n",
    )

    def from_failure(self, path: str, message: str, line: "int | None", column: "int | None") -> Finding:
        """The finding for a file that failed to decode or parse."""
        line = line if line and line > 0 else 1
        column = column if column and column > 0 else 1
        return self.finding(
            Site(path, line, column),
            message[:1].upper() + message[1:] + ".",
            "fix the file so that Python can parse it; nothing else in it was checked",
        )
