"""Exceptions the tracer saw -> findings of the rule that explains each.

The trace worker maps a Keras exception raised by a builder to a rule code
(``kgraphlint.trace.errors``) and records it as a ``RaisedError`` at the
deepest user frame.  Here each becomes one finding of that rule (KG901 when no
rule explains it), with the exception text in the message.  The pipeline
calls this once per trace ``Facts``; the KG901 rule's own ``check`` reports
nothing, so nothing is reported twice.  No keras import.
"""

from __future__ import annotations

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, RaisedError, Site
from kgraphlint.rules import all_rules

# What each mapped exception means, in kgraphlint's words, and the fix.
_WORDING: dict[str, tuple[str, str]] = {
    "KG101": (
        "A model output is not connected to the model inputs",
        "build every output from the listed Input tensors, or add the Input it depends on to `inputs`.",
    ),
    "KG201": (
        "A layer object is used where a tensor belongs",
        "call the layer on a tensor (`x = layer(x)`) or use `layer.output`; create inputs with "
        "`keras.Input(...)`, not `InputLayer(...)`.",
    ),
    "KG202": (
        "A tensor is used where a layer belongs",
        "call layers on tensors, never tensors on tensors; give `Sequential`, `add()` and wrappers "
        "the layer object itself.",
    ),
    "KG204": (
        "A TensorFlow/NumPy function is applied to a symbolic Keras tensor",
        "use the matching `keras.ops.*` function or a layer instead.",
    ),
    "KG304": (
        "Two layers of one model have the same name",
        "give each layer a unique `name=`, or drop `name=` and let Keras number them.",
    ),
    "KG601": (
        "A layer is given a tensor with a number of dimensions it does not accept",
        "give the layer the axes it expects: add the channel axis for Conv2D (`shape=(28, 28, 1)`), "
        "`return_sequences=True` on the recurrent layer before another one, convolutions before `Flatten`.",
    ),
    "KG602": (
        "A merge layer is given tensors whose shapes cannot be merged",
        "make the shapes agree before merging (same resolution and channels for Add, same non-axis "
        "dimensions for Concatenate): resize, project with a 1x1 Conv2D/Dense, or pool first.",
    ),
    "KG603": (
        "A Reshape target does not hold the input's number of values",
        "choose a target whose sizes multiply to the input's size per sample, or use one `-1`.",
    ),
    "KG606": (
        "The arrays given to fit() do not fit the model: Keras rejects the first training step",
        "make the model's output match the labels: pool or `Flatten()` before the Dense head of an image "
        "model, integer labels with `sparse_categorical_crossentropy` and one-hot labels with "
        "`categorical_crossentropy`, and inputs shaped like the model's `Input`.",
    ),
    "KG607": (
        "A convolution or pooling window is larger than its input",
        "use `padding=\"same\"`, a smaller kernel or pool size, fewer pooling layers, or larger images.",
    ),
    "KG604": (
        "A keras.applications backbone rejects its input_shape",
        "resize the images to the backbone's minimum size with 3 channels, or set `include_top=False` "
        "to use another size with ImageNet weights.",
    ),
}

_KG901_HINT = (
    "fix the error (run the function yourself to see the full traceback), or tell kgraphlint "
    "how to call it with `trace.calls` / give it more time with `trace.timeout` in "
    "[tool.kgraphlint]."
)


def _message(err: RaisedError, code: str) -> tuple[str, str]:
    detail = f"{err.exc_type}: {err.message}" if err.message else err.exc_type
    detail = detail.rstrip(" .")
    wording = _WORDING.get(code)
    if wording is not None:
        return f"{wording[0]} (Keras raised {detail}).", wording[1]
    return f"Tracing failed: {detail}.", _KG901_HINT


def findings_from_raised(facts: Facts) -> list[Finding]:
    """One finding per recorded exception, at its site, engine "trace"."""
    rules = all_rules()
    findings: list[Finding] = []
    seen: set[tuple[str, str, int, int, str]] = set()
    for err in facts.errors:
        code = err.code or "KG901"
        rule = rules.get(code) or rules.get("KG901")
        if rule is None:
            continue
        if rule.code != code:
            code = rule.code
        site = err.site or Site(facts.path, 1, 1)
        message, hint = _message(err, code)
        key = (code, site.path, site.line, site.column, message)
        if key in seen:
            continue
        seen.add(key)
        findings.append(rule.finding(site, message, hint, engine="trace"))
    return findings
