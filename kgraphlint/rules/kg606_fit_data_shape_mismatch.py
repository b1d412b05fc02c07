"""KG606 fit-data-shape-mismatch: the arrays given to fit() do not fit the model (trace)."""

from __future__ import annotations

from typing import Iterable

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts
from kgraphlint.rules.base import Rule


class FitDataShapeMismatch(Rule):
    """
    ## What it does
    With `--trace`: when the traced code calls `model.fit(x, y)` on NumPy
    arrays, kgraphlint runs the model on two samples and computes the
    compiled loss against two labels, the way the first training step does
    (no gradients, no weight update), and reports the shape error Keras would
    raise there.

    The commonest case is the missing `Flatten`: a `Dense` head on
    `(28, 28)` images builds fine (Dense acts on the last axis) and outputs
    `(None, 28, 10)`, which the `(None, 10)` labels cannot match.  Others:
    one-hot labels with `sparse_categorical_crossentropy`, integer labels
    with `categorical_crossentropy`, images flattened for a convolutional
    model.

    ## Why is this bad?
    The model builds and compiles without complaint; the error comes from
    `fit()`, often after the data pipeline has run for minutes, and names
    shapes but not the layer that is wrong.  The fix is in the model (pool or
    flatten before the head) or in the labels (one-hot vs integer).

    ## Example
    ```python
    inputs = keras.Input(shape=(28, 28))
    x = layers.Dense(128, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(x)   # (None, 28, 10)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(x_train, keras.utils.to_categorical(y_train, 10))
    ```

    ## Use instead
    ```python
    inputs = keras.Input(shape=(28, 28))
    x = layers.Flatten()(inputs)
    x = layers.Dense(128, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)   # (None, 10)
    ```
    """

    code = "KG606"
    name = "fit-data-shape-mismatch"
    severity = "error"
    engines = "T"
    summary = "The arrays given to fit() do not fit the model's input or output shapes (trace: first step)."
    # The tracer runs the first training step's checks: every error it
    # raised on the data is this rule's.
    raised_stage = "fit"
    raised_wording = (
        "The arrays given to fit() do not fit the model: Keras rejects the first training step",
        "make the model's output match the labels: pool or `Flatten()` before the Dense head of an image "
        "model, integer labels with `sparse_categorical_crossentropy` and one-hot labels with "
        "`categorical_crossentropy`, and inputs shaped like the model's `Input`.",
    )
    # Found by running the first step on the traced model; the trace tests prove it.
    sample_kind = "trace"

    def check(self, facts: Facts) -> Iterable[Finding]:
        # Reported from the tracer's RaisedError records (rules/raised.py).
        return ()
