"""KG901 trace-failed: a traced builder failed in a way no rule explains."""

from __future__ import annotations

from typing import ClassVar, Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts
from kgraphlint.rules.base import Rule


class TraceFailed(Rule):
    """
    ## What it does
    With `--trace`, kgraphlint imports each file (never as `__main__`) and calls
    its model-building functions to build the real Keras graph.  This rule
    reports a file whose import or builder raised an error that no other rule
    explains, ran past the time limit (`trace.timeout`, 120 s by default),
    called `sys.exit()`/`os._exit()`, or crashed the Python process.  The
    finding is at the deepest line of your code that was running, with the
    exception text.  The other files are still traced.

    ## Why is this bad?
    A builder that cannot run cannot be trained either: the error will stop
    the training script too, only later.  And while it fails, kgraphlint cannot
    check the graph it would have built.

    ## Example
    ```python
    def build():
        inputs = keras.Input(shape=(32, 32, 3))
        x = layers.Conv2D(16, 3, padding="same")(inputs)
        x = layers.Conv2D(16, 3, padding="causal")(x)  # only Conv1D pads causally
        return keras.Model(inputs, x)
    ```

    ## Use instead
    ```python
    def build():
        inputs = keras.Input(shape=(32, 32, 3))
        x = layers.Conv2D(16, 3, padding="same")(inputs)
        x = layers.Conv2D(16, 3, padding="same")(x)
        return keras.Model(inputs, x)
    ```
    A builder that needs arguments can be traced with
    `trace.calls = ["models/net.py:build(num_classes=10)"]`.
    """

    code = "KG901"
    name = "trace-failed"
    severity = "error"
    engines = "T"
    summary = "A traced builder raised an error no rule explains, timed out, or crashed the worker."
    # Only the trace engine produces it: the generic static sample test skips it
    # and tests/test_trace.py runs these samples through the real tracer.
    sample_kind: ClassVar[str] = "trace"
    VALID = (
        """\
import keras
from keras import layers


def build():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same")(inputs)
    x = layers.Conv2D(16, 3, padding="same")(x)
    return keras.Model(inputs, x)
""",
    )
    INVALID = (
        """\
import keras
from keras import layers


def build():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same")(inputs)
    x = layers.Conv2D(16, 3, padding="causal")(x)  # expect
    return keras.Model(inputs, x)
""",
        """\
import sys
import keras


def build():
    inputs = keras.Input(shape=(32,))
    sys.exit("no GPU found")  # expect
""",
    )

    def check(self, facts: Facts) -> Iterable[Finding]:
        # Trace errors become findings in kgraphlint.rules.raised (called once
        # per traced file by the pipeline), never here: no double reports.
        return ()
