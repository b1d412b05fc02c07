"""KG403 removed-layer-argument: a keyword argument Keras 3's layer and
optimizer constructors no longer accept."""

from __future__ import annotations

import difflib
from typing import Iterable, Optional

import libcst as cst

from kgraphlint.findings import Finding, Fix
from kgraphlint.fix_toolkit import remove_arguments, replace
from kgraphlint.rules.base import Invalid, Rule
from kgraphlint.static.imports import ImportBindings, inside_keras_package, inside_tensorflow_package
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import runs_as_keras2, split_family
from kgraphlint.vocab.public_api import Signature, constructor_keywords, keras_version
from kgraphlint.vocab.replacements import KERAS1_ARGUMENTS, removed_argument

# Namespaces whose public classes are judged (the generated table has their
# constructor signatures).
_NAMESPACES = ("layers", "optimizers")
# Reported by KG402 with its own fix (Keras 2's optimizer `lr=`).
_KG402_OPTIMIZER_ARGUMENTS = frozenset({"lr", "decay"})


class _Calls(ImportBindings):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        if not self.guarded and any(a.keyword is not None for a in node.args):
            self.calls.append(node)


def _public_class(path: str) -> Optional[tuple[str, str, Signature]]:
    """(namespace, class name, signature) of a public Keras 3 layer/optimizer path."""
    split = split_family(path)
    if split is None or split[0] not in ("keras", "tensorflow.keras"):
        return None
    parts = split[1].split(".")
    if len(parts) != 2 or parts[0] not in _NAMESPACES:
        return None
    signature = constructor_keywords(path)
    if signature is None or signature.open:
        return None
    return parts[0], parts[1], signature


class RemovedLayerArgument(Rule):
    """
    ## What it does
    Reports a keyword argument that the constructor of a public Keras 3 layer
    or optimizer class does not accept: `Conv2D(..., weights=[w, b])`,
    `DepthwiseConv2D(kernel_initializer=...)`, `BatchNormalization(fused=True)`,
    Keras 1 spellings such as `Dense(output_dim=10, init="normal")`. What each
    class accepts is read off the installed Keras (its `__init__` and those it
    passes `**kwargs` on to, down to the base `Layer`, which also takes
    `input_shape=` / `input_dim=`), generated into
    `kgraphlint/vocab/keras_api.py`.

    Only the public classes themselves are judged (`keras.layers.X`,
    `tf.keras.layers.X`, `keras.optimizers.X`, through any import alias): a
    subclass of yours accepts what its own `__init__` says, and an unknown
    callee is never reported. `tf_keras` (Keras 2) is left alone, and so is a
    file that runs as Keras 2 (it imports `tf_keras`, sets
    `TF_USE_LEGACY_KERAS=1` or pins TensorFlow below 2.16). An optimizer's
    `lr=` / `decay=` are KG402's.

    Autofix: a Keras 1 name Keras 2 translated as it was (`init=` ->
    `kernel_initializer=`, `border_mode=` -> `padding=`, `nb_filter=` -> `filters=`,
    `output_dim=` -> `units=`, ...) is renamed when the new name is not given
    too; `kernel_initializer=` / `kernel_regularizer=` / `kernel_constraint=` on
    a depthwise convolution, which Keras 2 accepted and ignored, are removed.

    ## Why is this bad?
    Keras 3 raises when the layer is created ("Unrecognized keyword arguments
    passed to Conv2D: {'weights': ...}", or a TypeError), so the script stops
    before the model exists; Keras 2 accepted these through `**kwargs`. For a
    depthwise convolution Keras 2 accepted `kernel_initializer=` but the
    depthwise kernel is set by `depthwise_initializer=`: the argument never did
    what it says.

    ## Example
    ```python
    from keras import layers

    x = layers.Conv2D(64, 3, weights=[kernel, bias])(inputs)
    x = layers.DepthwiseConv2D(3, kernel_initializer="he_normal")(x)
    ```

    ## Use instead
    ```python
    from keras import layers

    conv = layers.Conv2D(64, 3)
    x = conv(inputs)
    conv.set_weights([kernel, bias])  # once the layer is built
    x = layers.DepthwiseConv2D(3, depthwise_initializer="he_normal")(x)
    ```
    """

    code = "KG403"
    name = "removed-layer-argument"
    severity = "error"
    engines = "S"
    summary = (
        "A keyword argument Keras 3's layer and optimizer constructors no longer accept "
        "(Conv2D(weights=...), DepthwiseConv2D(kernel_initializer=...))."
    )
    source_rule = True

    VALID = (
        "import keras\nfrom keras import layers\n\n"
        "emb = layers.Embedding(1000, 64, weights=[matrix], input_length=20)\n"
        "dense = layers.Dense(10, input_shape=(4,), name='head')\n"
        "opt = keras.optimizers.SGD(learning_rate=0.1, nesterov=True)\n",
        # A user's subclass accepts what its own __init__ says.
        "from keras import layers\n\n"
        "class MyConv(layers.Conv2D):\n"
        "    def __init__(self, *args, weights=None, **kwargs):\n"
        "        super().__init__(*args, **kwargs)\n\n"
        "conv = MyConv(8, 3, weights=[w])\n",
        # Keras 2 code: tf_keras, or a file that asks for Keras 2.
        "import tf_keras\n\nconv = tf_keras.layers.Conv2D(8, 3, weights=[w])\n",
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nimport tensorflow as tf\n\n"
        "bn = tf.keras.layers.BatchNormalization(fused=True)\n",
        # Not Keras.
        "from mylib.layers import Conv2D\n\nconv = Conv2D(8, 3, weights=[w])\n",
    )
    INVALID = (
        Invalid(
            "from keras import layers\nimport tensorflow as tf\n\n"
            "x = layers.Conv2D(64, 3, weights=[kernel, bias])(inputs)  # expect\n"
            "x = layers.DepthwiseConv2D(3, kernel_initializer='he_normal', padding='same')(x)  # expect\n"
            "y = tf.keras.layers.Dense(output_dim=10, init='normal')(x)  # expect\n"
            "bn = tf.keras.layers.BatchNormalization(fused=True)  # expect\n",
            fixed="from keras import layers\nimport tensorflow as tf\n\n"
            "x = layers.Conv2D(64, 3, weights=[kernel, bias])(inputs)  # expect\n"
            "x = layers.DepthwiseConv2D(3, padding='same')(x)  # expect\n"
            "y = tf.keras.layers.Dense(units=10, kernel_initializer='normal')(x)  # expect\n"
            "bn = tf.keras.layers.BatchNormalization(fused=True)  # expect\n",
        ),
    )

    def check_source(self, ctx: SourceContext) -> Iterable[Finding]:
        if "keras" not in ctx.text or "=" not in ctx.text or runs_as_keras2(ctx.text):
            return []
        if inside_keras_package(ctx.path) or inside_tensorflow_package(ctx.path):
            return []
        calls = _Calls()
        calls.collect(ctx.module, ctx.path)
        findings: list[Finding] = []
        for call in calls.calls:
            findings.extend(self._check_call(ctx, calls, call))
        return findings

    def _check_call(self, ctx: SourceContext, names: _Calls, call: cst.Call) -> list[Finding]:
        paths = names.resolve(call.func)
        classes = [_public_class(p) for p in paths]
        if not classes or any(c is None for c in classes):
            return []
        namespace, cls, _ = classes[0]  # type: ignore[misc]
        given = {a.keyword.value for a in call.args if a.keyword is not None}
        rejected = []
        for arg in call.args:
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            if namespace == "optimizers" and keyword in _KG402_OPTIMIZER_ARGUMENTS:
                continue
            if all(keyword not in sig.accepted for _, _, sig in classes):  # type: ignore[misc]
                rejected.append(arg)
        if not rejected:
            return []
        accepted = frozenset.intersection(*(sig.accepted for _, _, sig in classes))  # type: ignore[misc]
        removals = [a for a in rejected if (removed_argument(cls, a.keyword.value) or ("", None, False))[2]]  # type: ignore[union-attr]
        removal_edits = remove_arguments(ctx, call, removals)
        shown = ctx.code_for(call.func).strip()
        if "\n" in shown or len(shown) > 40:
            shown = cls
        findings = []
        for arg in rejected:
            keyword = arg.keyword.value  # type: ignore[union-attr]
            message = (
                f"`{shown}(..., {keyword}=...)`: Keras 3's `{cls}` does not accept `{keyword}=` "
                f"(checked against keras {keras_version()}); creating it raises."
            )
            hint, fix = self._remedy(ctx, cls, arg, keyword, accepted, given, removal_edits)
            findings.append(self.finding(ctx.site(arg), message, hint, fix=fix))
        return findings

    @staticmethod
    def _remedy(
        ctx: SourceContext,
        cls: str,
        arg: cst.Arg,
        keyword: str,
        accepted: frozenset[str],
        given: set[str],
        removal_edits: dict,
    ) -> tuple[str, Optional[Fix]]:
        known = removed_argument(cls, keyword)
        if known is not None:
            hint, _, removable = known
            edit = removal_edits.get(id(arg)) if removable else None
            fix = Fix(f"remove `{keyword}=` (Keras 2 ignored it)", [edit]) if edit is not None else None
            return hint, fix
        new = KERAS1_ARGUMENTS.get(keyword)
        if new is not None and new in accepted:
            hint = f"`{keyword}=` is Keras 1 spelling: Keras 2 read it as `{new}=`"
            if new in given:
                return hint + f"; `{new}=` is given too, keep one", None
            return hint, Fix(f"rename to `{new}=`", [replace(ctx, arg.keyword, new)])  # type: ignore[arg-type]
        close = difflib.get_close_matches(keyword, sorted(accepted), n=1, cutoff=0.75)
        if close:
            return f"did you mean `{close[0]}=`? Otherwise remove it", None
        return f"remove it: Keras 3's `{cls}` has no such option", None
