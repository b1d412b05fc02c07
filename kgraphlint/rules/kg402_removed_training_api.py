"""KG402 removed-training-api: Keras 2 training calls and arguments gone in Keras 3."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import libcst as cst

from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.rules.base import Rule
from kgraphlint.rules.kg401_private_keras_api import (
    ImportBindings,
    inside_keras_package,
    inside_tensorflow_package,
    replace_node,
    slice_text,
    split_family,
    text_offsets,
)
from kgraphlint.static.source import SourceContext

GENERATOR_METHODS = {
    "fit_generator": "fit",
    "evaluate_generator": "evaluate",
    "predict_generator": "predict",
}

# Positional parameters after `generator` whose meaning is the same in every
# Keras 2 release (keras 2.0 .. 2.x, tf.keras 2.x); later ones moved between
# releases, so calls using them positionally get no automatic fix.
GENERATOR_POSITIONALS: dict[str, tuple[str, ...]] = {
    "fit_generator": (
        "steps_per_epoch",
        "epochs",
        "verbose",
        "callbacks",
        "validation_data",
        "validation_steps",
    ),
    "evaluate_generator": ("steps",),
    "predict_generator": ("steps",),
}

TRAINING_METHODS = frozenset({"fit", "evaluate", "predict", *GENERATOR_METHODS})

# Data-loading options that Keras 3 moved from fit/evaluate/predict to
# `keras.utils.PyDataset` (keras 3.15: `fit(workers=2)` raises TypeError), with
# their Keras 2 default: an argument equal to its default can simply go.
LOADER_ARGUMENTS = {"workers": "1", "use_multiprocessing": "False", "max_queue_size": "10"}
# Only Keras calls these names so: on a plain `.fit(...)` they are evidence enough.
KERAS_ONLY_LOADER_ARGUMENTS = frozenset({"use_multiprocessing", "max_queue_size"})

# Keras 1 names that Keras 2 still translated with a warning and Keras 3 rejects.
KERAS1_RENAMES = {"nb_epoch": "epochs"}
KERAS1_SAMPLE_COUNTS = {
    "samples_per_epoch": "`steps_per_epoch` counts batches, not samples: use `steps_per_epoch=samples // batch_size`",
    "nb_val_samples": "`validation_steps` counts batches, not samples: use `validation_steps=samples // batch_size`",
    "nb_worker": "Keras 3 reads worker settings from a `keras.utils.PyDataset`",
    "pickle_safe": "Keras 3 reads worker settings from a `keras.utils.PyDataset`",
}

# `Model.compile()` arguments of Keras 2 that Keras 3's `compile()` does not
# accept (keras 3.15: TypeError "unexpected keyword argument").
COMPILE_ARGUMENTS = {
    "sample_weight_mode": "Keras 3 takes the shape of `sample_weight` as given: pass per-timestep "
    "weights to `fit(..., sample_weight=w)` with shape (samples, timesteps)",
    "target_tensors": "feed the targets as `y` (or through a `tf.data.Dataset`) instead",
}

# Keras optimizer classes whose constructor rejects `lr=` (keras 3.15:
# "Argument(s) not recognized: {'lr': ...}") and ignores `decay=` with a warning.
OPTIMIZERS = frozenset(
    "Adam AdamW Adadelta Adafactor Adagrad Adamax Ftrl Lamb Lion Nadam RMSprop SGD".split()
)

# Keyword arguments are written after "(" or ","; the method names after ".".
_PRECHECK = re.compile(
    r"\.(?:fit|evaluate|predict)_generator\b"
    r"|[(,]\s*(?:lr|decay|workers|use_multiprocessing|max_queue_size|nb_epoch|samples_per_epoch"
    r"|nb_val_samples|nb_worker|pickle_safe|sample_weight_mode|target_tensors)\s*=(?!=)"
)


def is_keras_optimizer(path: str) -> bool:
    """``keras.optimizers.Adam``, ``tensorflow.keras.optimizers.adam.Adam``..."""
    split = split_family(path)
    if split is None:
        return False
    parts = split[1].split(".")
    if len(parts) < 2 or parts[0] != "optimizers" or parts[-1] not in OPTIMIZERS:
        return False
    # `optimizers.legacy.Adam` (tf.keras 2.11+, tf_keras) still takes lr/decay.
    return "legacy" not in parts and len(parts) <= 3


@dataclass
class _Issue:
    arg: Optional[cst.Arg]
    message: str
    hint: str
    description: str = ""
    edits: list[Edit] = field(default_factory=list)
    delete: bool = False  # the fix deletes `arg` (ranges computed per call)


class _Collector(ImportBindings):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []
        self.defined: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in TRAINING_METHODS | {"compile"}:
            self.calls.append(node)
        elif any(a.keyword is not None and a.keyword.value in ("lr", "decay") for a in node.args):
            self.calls.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        self.defined.add(node.name.value)


class RemovedTrainingApi(Rule):
    """
    ## What it does
    Reports Keras 2 training calls and arguments that Keras 3 removed:

    - `model.fit_generator(...)`, `evaluate_generator(...)`, `predict_generator(...)`
      (autofix: `fit` / `evaluate` / `predict`, `generator=` -> `x=`, and the
      positional arguments after the generator become keywords, since `fit`
      orders its parameters differently);
    - `workers=`, `use_multiprocessing=`, `max_queue_size=` in `fit` / `evaluate` /
      `predict` (autofix: removed when equal to the Keras 2 default);
    - Keras 1 names `nb_epoch=` (autofix: `epochs=`), `samples_per_epoch=`,
      `nb_val_samples=`, `nb_worker=`, `pickle_safe=`;
    - `compile(sample_weight_mode=..., target_tensors=...)` (autofix: removed when `None`);
    - `lr=` (autofix: `learning_rate=`) and `decay=` (autofix only for `decay=0`)
      in Keras optimizer constructors (`keras.optimizers.Adam`, `tf.keras.optimizers.SGD`,
      `from tensorflow.keras.optimizers import RMSprop`, ...).

    The `*_generator` method names are specific to Keras, so they are reported on
    any receiver, unless the file defines a function of that name itself (then
    it is the user's own API). `lr=` / `decay=` are reported only when the callee
    resolves, through the file's imports, to a Keras optimizer class
    (`keras`, `tensorflow.keras` / `tf.keras`, `tf_keras`, any alias; not the
    `optimizers.legacy` classes, which still take them): a user's own `Adam` or
    `torch.optim.Adam(lr=...)` is never reported. The other arguments are
    reported in files that import Keras or TensorFlow; `workers=` on a plain
    `fit()` / `evaluate()` / `predict()` only together with
    `use_multiprocessing=` or `max_queue_size=` (the word alone is too common).
    Files of the Keras, tf_keras and TensorFlow packages themselves (which
    define these APIs, e.g. TensorFlow's frozen Keras 2 copy) are not checked.

    ## Why is this bad?
    Keras 3 raises on all of them but one: `'Model' object has no attribute
    'fit_generator'`, `fit() got an unexpected keyword argument 'workers'`,
    `Argument(s) not recognized: {'lr': 0.001}` (tf_keras 2.11+ only warns that
    `lr` is deprecated). The exception is `decay=`: Keras 3 ignores it with a
    warning, so the learning rate silently stops decaying (checked on keras 3.15).

    ## Example
    ```python
    import keras

    model.compile(optimizer=keras.optimizers.Adam(lr=1e-3), loss="mse")
    model.fit_generator(train_gen, 100, epochs=10, workers=1)
    ```

    ## Use instead
    ```python
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    model.fit(train_gen, steps_per_epoch=100, epochs=10)
    ```
    For `decay=d` with initial rate `lr0`, Keras 2 trained with
    `lr0 / (1 + d * step)`: `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr0,
    decay_steps=1, decay_rate=d)` is the same schedule.
    """

    code = "KG402"
    name = "removed-training-api"
    severity = "error"
    engines = "S"
    summary = "Keras 2 training API removed in Keras 3 (fit_generator, optimizer lr=/decay=, workers=...)."
    source_rule = True

    VALID = (
        "import keras\n\n"
        "opt = keras.optimizers.Adam(learning_rate=1e-3)\n"
        "model.compile(optimizer=opt, loss='mse')\n"
        "model.fit(train_gen, steps_per_epoch=100, validation_steps=10, epochs=3)\n",
        # Not Keras: torch's optimizer and a user's own Adam.
        "import torch\n\nopt = torch.optim.Adam(model.parameters(), lr=1e-3)\n",
        "class Adam:\n    def __init__(self, lr, decay=0.0):\n        self.lr = lr\n\n"
        "opt = Adam(lr=0.1, decay=0.01)\n",
        # The file defines its own fit_generator: it is the user's API.
        "class Trainer:\n    def fit_generator(self, gen):\n        return list(gen)\n\n"
        "Trainer().fit_generator(iter([1, 2]))\n",
        # Not a Keras file: `workers=` belongs to someone else's `fit`.
        "from mylib import Estimator\n\nEstimator().fit(data, workers=4)\n",
    )
    INVALID = (
        "from tensorflow.keras.optimizers import Adam\n\n"
        "model.compile(optimizer=Adam(lr=0.001, decay=1e-6), loss='mse')  # expect\n"
        "model.fit_generator(train_gen, 100, epochs=10, workers=4, use_multiprocessing=True)  # expect\n",
        "import keras as K\n\n"
        "sgd = K.optimizers.SGD(lr=0.01, momentum=0.9)  # expect\n"
        "loss = model.evaluate_generator(generator=val_gen, steps=50)  # expect\n"
        "preds = model.predict_generator(test_gen, 20, max_queue_size=10)  # expect\n",
        "import tensorflow as tf\n\n"
        "model.compile(optimizer='adam', loss='mse', sample_weight_mode='temporal')  # expect\n"
        "model.fit(x, y, nb_epoch=5)  # expect\n",
    )

    def check_source(self, ctx: SourceContext) -> Iterable[Finding]:
        if not _PRECHECK.search(ctx.text):
            return []
        if inside_keras_package(ctx.path) or inside_tensorflow_package(ctx.path):
            # The packages that define these APIs (TensorFlow's frozen Keras 2
            # copy, tf_keras) use them legitimately.
            return []
        collector = _Collector()
        collector.collect(ctx.module)
        if not collector.calls:
            return []
        starts = text_offsets(ctx.text)
        keras_file = collector.keras_family_in_use()
        findings: list[Finding] = []
        for call in collector.calls:
            issues = self._issues(ctx, collector, call, keras_file)
            if not issues:
                continue
            _plan_deletions(ctx, starts, call, issues)
            site = ctx.site(call.func)
            for issue in issues:
                fix = Fix(issue.description, issue.edits) if issue.edits else None
                where = ctx.site(issue.arg) if issue.arg is not None else site
                findings.append(self.finding(where, issue.message, issue.hint, fix=fix))
        return findings

    # ------------------------------------------------------------------------
    def _issues(
        self, ctx: SourceContext, names: _Collector, call: cst.Call, keras_file: bool
    ) -> list[_Issue]:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in TRAINING_METHODS | {"compile"}:
            method = func.attr.value
            if method in GENERATOR_METHODS:
                if method in names.defined:
                    return []
                return self._generator_call(ctx, call, func, method)
            if not keras_file:
                return []
            if method == "compile":
                return _compile_arguments(ctx, call)
            return _training_arguments(ctx, call, method, generator=False)
        paths = names.resolve(func)
        if paths and all(is_keras_optimizer(p) for p in paths):
            return _optimizer_arguments(ctx, call, ctx.code_for(func))
        return []

    def _generator_call(
        self, ctx: SourceContext, call: cst.Call, func: cst.Attribute, method: str
    ) -> list[_Issue]:
        new = GENERATOR_METHODS[method]
        receiver = ctx.code_for(func.value).strip()
        if "\n" in receiver or len(receiver) > 40:
            receiver = ""  # name only the method
        issue = _Issue(
            None,
            f"`{receiver}.{method}()` was removed in Keras 3.",
            f"use `{receiver}.{new}()`, which takes generators and `keras.utils.PyDataset`s directly",
        )
        edits = [replace_node(ctx, func.attr, new)]
        positional = GENERATOR_POSITIONALS[method]
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        fixable = True
        index = 0
        for arg in call.args:
            if arg.star:
                fixable = False
                break
            if arg.keyword is None:
                if index >= 1:
                    if index > len(positional) or positional[index - 1] in keywords:
                        fixable = False
                        break
                    start = ctx.positions.position(arg)
                    edits.append(Edit(start[0], start[1], start[0], start[1], f"{positional[index - 1]}="))
                index += 1
            elif arg.keyword.value == "generator":
                if "x" in keywords:
                    fixable = False
                    break
                edits.append(replace_node(ctx, arg.keyword, "x"))
        if fixable:
            issue.description = f"use `{new}()`"
            issue.edits = edits
        return [issue, *_training_arguments(ctx, call, method, generator=True)]


def _keyword_args(call: cst.Call) -> list[tuple[str, cst.Arg]]:
    return [(a.keyword.value, a) for a in call.args if a.keyword is not None]


def _training_arguments(ctx: SourceContext, call: cst.Call, method: str, *, generator: bool) -> list[_Issue]:
    keywords = _keyword_args(call)
    names = {k for k, _ in keywords}
    issues: list[_Issue] = []
    # `workers=` alone is too common a word: on a plain fit() it needs a
    # Keras-only companion argument.
    loader_evidence = generator or bool(names & KERAS_ONLY_LOADER_ARGUMENTS)
    new_method = GENERATOR_METHODS.get(method, method)
    for keyword, arg in keywords:
        if keyword in LOADER_ARGUMENTS and loader_evidence:
            default = LOADER_ARGUMENTS[keyword]
            issue = _Issue(
                arg,
                f"`{keyword}=` is no longer an argument of `{new_method}()` in Keras 3.",
                f"pass `{keyword}=` to your `keras.utils.PyDataset` subclass "
                f"(`super().__init__({keyword}=...)`); a plain generator is read in the main thread",
            )
            if ctx.code_for(arg.value).strip() == default:
                issue.delete = True
                issue.description = f"remove `{keyword}={default}` (the Keras 2 default)"
            issues.append(issue)
        elif keyword in KERAS1_RENAMES and method in ("fit", "fit_generator"):
            new = KERAS1_RENAMES[keyword]
            issue = _Issue(
                arg,
                f"`{keyword}=` is Keras 1 spelling that Keras 3 rejects.",
                f"use `{new}=`",
            )
            if new not in names:
                issue.description = f"rename to `{new}=`"
                issue.edits = [replace_node(ctx, arg.keyword, new)]  # type: ignore[arg-type]
            issues.append(issue)
        elif keyword in KERAS1_SAMPLE_COUNTS and (generator or method == "fit"):
            issues.append(
                _Issue(
                    arg,
                    f"`{keyword}=` is Keras 1 spelling that Keras 3 rejects.",
                    KERAS1_SAMPLE_COUNTS[keyword],
                )
            )
    return issues


def _compile_arguments(ctx: SourceContext, call: cst.Call) -> list[_Issue]:
    issues = []
    for keyword, arg in _keyword_args(call):
        if keyword in COMPILE_ARGUMENTS:
            issue = _Issue(
                arg,
                f"`compile()` no longer takes `{keyword}=` in Keras 3.",
                COMPILE_ARGUMENTS[keyword],
            )
            if ctx.code_for(arg.value).strip() == "None":
                issue.delete = True
                issue.description = f"remove `{keyword}=None`"
            issues.append(issue)
    return issues


_ZERO = re.compile(r"^0(\.0*)?$|^0?\.0+$")


def _optimizer_arguments(ctx: SourceContext, call: cst.Call, callee: str) -> list[_Issue]:
    keywords = _keyword_args(call)
    names = {k for k, _ in keywords}
    if "\n" in callee:
        callee = "the optimizer"
    issues = []
    for keyword, arg in keywords:
        if keyword == "lr":
            issue = _Issue(
                arg,
                f"`{callee}(lr=...)`: Keras 3 optimizers take `learning_rate=`, not `lr=`.",
                "rename `lr=` to `learning_rate=`",
            )
            if "learning_rate" not in names:
                issue.description = "rename to `learning_rate=`"
                issue.edits = [replace_node(ctx, arg.keyword, "learning_rate")]  # type: ignore[arg-type]
            issues.append(issue)
        elif keyword == "decay":
            value = ctx.code_for(arg.value).strip()
            issue = _Issue(
                arg,
                f"`{callee}(decay=...)`: Keras 3 optimizers ignore `decay=`, so the learning rate never decays.",
                "Keras 2 trained with `lr / (1 + decay * step)`: pass "
                "`learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)`",
            )
            if _ZERO.match(value):
                issue.delete = True
                issue.description = "remove `decay=0` (no decay)"
            issues.append(issue)
    return issues


def _plan_deletions(ctx: SourceContext, starts: list[int], call: cst.Call, issues: Sequence[_Issue]) -> None:
    """Give each deletable issue an edit removing its argument.

    One argument per line (the usual layout of long calls): the argument's
    line goes, but a comment on it stays, alone on its line.  Otherwise an
    argument followed by a kept one is removed up to that argument's start, and
    a run of deleted arguments at the end is removed from the end of the
    argument before it (keeping a trailing comma).  The ranges of one call never
    overlap and each is valid alone, so any subset of the fixes applies cleanly.
    """
    args = list(call.args)
    deletable = [i for i in issues if i.delete and i.arg is not None]
    if not deletable:
        return
    deleted = {id(i.arg) for i in deletable}
    pos = [ctx.positions.position(a) for a in args]
    own_line = {id(a): _own_line_range(ctx, starts, p) for a, p in zip(args, pos) if id(a) in deleted}
    if all(r is not None for r in own_line.values()):
        ranges = own_line
    else:
        ranges = {}
        for i, arg in enumerate(args):
            if id(arg) not in deleted:
                continue
            kept_after = any(id(a) not in deleted for a in args[i + 1 :])
            kept_before = any(id(a) not in deleted for a in args[:i])
            if kept_after or (not kept_before and i + 1 < len(args)):
                # Up to the next argument (when every argument goes, all but the last).
                ranges[id(arg)] = ((pos[i][0], pos[i][1]), (pos[i + 1][0], pos[i + 1][1]))
            elif kept_before:
                # In the run of deleted arguments after the last kept one.
                ranges[id(arg)] = ((pos[i - 1][2], pos[i - 1][3]), (pos[i][2], pos[i][3]))
            else:
                end = (pos[i][2], pos[i][3])
                if isinstance(arg.comma, cst.Comma):
                    comma = ctx.positions.position(arg.comma)
                    end = (comma[2], comma[3])
                ranges[id(arg)] = ((pos[i][0], pos[i][1]), end)
            if "#" in slice_text(ctx.text, starts, *ranges[id(arg)]):
                ranges[id(arg)] = None  # a comment would go with it: leave it to the user
    for issue in deletable:
        span = ranges.get(id(issue.arg))
        if span is None:
            issue.description = ""
            continue
        (line, column), (end_line, end_column) = span
        issue.edits = [Edit(line, column, end_line, end_column, "")]


_REST_OF_ARG_LINE = re.compile(r"[ \t]*,?[ \t]*(#[^\r\n]*)?(\r\n|\r|\n)")


def _own_line_range(
    ctx: SourceContext, starts: list[int], pos: tuple[int, int, int, int]
) -> Optional[tuple[tuple[int, int], tuple[int, int]]]:
    """The range that removes an argument written on lines of its own, or None."""
    line, column, end_line, end_column = pos
    before = ctx.text[starts[line - 1] : starts[line - 1] + column - 1]
    if before.strip():
        return None
    after = starts[end_line - 1] + end_column - 1
    match = _REST_OF_ARG_LINE.match(ctx.text, after)
    if match is None:
        return None
    if match.group(1):
        # Keep the comment: remove from the argument to the comment.
        comment_at = match.start(1) - starts[end_line - 1] + 1
        return (line, column), (end_line, comment_at)
    return (line, 1), (end_line + 1, 1)
