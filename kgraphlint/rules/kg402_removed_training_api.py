"""KG402 removed-training-api: Keras 2 training calls and arguments gone in Keras 3."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import libcst as cst

from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.fix_toolkit import ImportAdder, insert_after, insert_before, remove_arguments, replace
from kgraphlint.rules.base import Invalid, Rule
from kgraphlint.static.cst_walk import dotted_parts, iter_nodes
from kgraphlint.static.imports import ImportBindings, inside_keras_package, inside_tensorflow_package
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import FAMILY_PREFERENCE, public_family, split_family
from kgraphlint.vocab.methods import DATA_METHODS, FIT_METHODS, GENERATOR_METHODS


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

# The calls whose arguments are checked.
CHECKED_METHODS = DATA_METHODS | GENERATOR_METHODS.keys() | {"compile"}

# Data-loading options that Keras 3 moved from fit/evaluate/predict to
# `keras.utils.PyDataset` (keras 3.15: `fit(workers=2)` raises TypeError), with
# their Keras 2 default.  Removing them is the Keras 3 rewrite whatever their
# value: `fit()` rejects them, and a PyDataset carries its own settings.
LOADER_ARGUMENTS = {"workers": "1", "use_multiprocessing": "False", "max_queue_size": "10"}
# Only Keras calls these names so: on a plain `.fit(...)` they are evidence enough.
KERAS_ONLY_LOADER_ARGUMENTS = frozenset({"use_multiprocessing", "max_queue_size"})

# Keras 1 names that Keras 2 still translated with a warning and Keras 3 rejects.
# Keras 2's legacy interface (keras/legacy/interfaces.py) renamed `nb_epoch` to
# `epochs` and `nb_val_samples` to `validation_steps` as they were (it only
# warned that validation_steps counts batches): the same rename keeps what the
# script did.
KERAS1_RENAMES = {"nb_epoch": "epochs", "nb_val_samples": "validation_steps"}
KERAS1_RENAME_HINTS = {
    "nb_val_samples": "`validation_steps` counts batches, not samples: Keras 2 passed the number on unchanged, "
    "so it stays; you probably want `validation_steps=samples // batch_size`",
}
# Keras 1 spellings of the loader options (Keras 2 renamed them to `workers` /
# `use_multiprocessing`): removed like them.
KERAS1_LOADER_ARGUMENTS = {"nb_worker": "workers", "pickle_safe": "use_multiprocessing", "max_q_size": "max_queue_size"}
# Keras 1 `evaluate_generator` / `predict_generator(val_samples=n)`: Keras 2
# passed it on as `steps=n`.
KERAS1_STEPS = "val_samples"
KERAS1_SAMPLE_COUNTS = {
    "samples_per_epoch": "`steps_per_epoch` counts batches, not samples: use `steps_per_epoch=samples // batch_size` "
    "(Keras 2 divided by the generator's `batch_size` attribute when it had one)",
}

# `Model.compile()` arguments of Keras 2 that Keras 3's `compile()` does not
# accept (keras 3.15: TypeError "unexpected keyword argument").
COMPILE_ARGUMENTS = {
    "sample_weight_mode": "Keras 3 takes the shape of `sample_weight` as given: pass per-timestep "
    "weights to `fit(..., sample_weight=w)` with shape (samples, timesteps)",
    "target_tensors": "feed the targets as `y` (or through a `tf.data.Dataset`) instead",
}
# Arguments whose removal is the whole Keras 3 rewrite, whatever their value:
# Keras 3 reads the weighting mode off the shape of `sample_weight`.
COMPILE_REMOVABLE = frozenset({"sample_weight_mode"})

# Keras optimizer classes whose constructor rejects `lr=` (keras 3.15:
# "Argument(s) not recognized: {'lr': ...}") and ignores `decay=` with a warning.
OPTIMIZERS = frozenset(
    "Adam AdamW Adadelta Adafactor Adagrad Adamax Ftrl Lamb Lion Nadam RMSprop SGD".split()
)
# Keras 3's default `learning_rate` of each of them (keras 3.15,
# keras/src/optimizers/*.py; tests check them against the installed Keras).
# Used for `decay=` without a learning rate: the schedule starts where the
# optimizer would have started without `decay=`.
DEFAULT_LEARNING_RATES = {name: "0.001" for name in OPTIMIZERS} | {"SGD": "0.01"}
# Keras 2 decayed the rate of every optimizer as lr / (1 + decay * iterations);
# Keras 3's InverseTimeDecay(lr, decay_steps=1, decay_rate=decay) is
# lr / (1 + decay * step), evaluated at the same `iterations`.
SCHEDULE = "InverseTimeDecay"
SCHEDULE_MODULE = "optimizers.schedules"

# Keyword arguments are written after "(" or "," (and blanks or comments); the
# method names after ".".
_PRECHECK = re.compile(
    rf"\.(?:{'|'.join(GENERATOR_METHODS)})\b"
    r"|[(,](?:\s|#[^\n]*\n)*(?:lr|decay|workers|use_multiprocessing|max_queue_size|nb_epoch|samples_per_epoch"
    r"|nb_val_samples|nb_worker|pickle_safe|max_q_size|val_samples|sample_weight_mode|target_tensors)\s*=(?!=)"
)


def optimizer_family(path: str) -> str:
    """The public Keras package a (possibly private) optimizer path belongs to."""
    split = split_family(path)
    family = split[0] if split else "keras"
    return public_family(family)


def is_keras_optimizer(path: str) -> bool:
    """``keras.optimizers.Adam``, ``tensorflow.keras.optimizers.adam.Adam``...

    ``keras.src.optimizers.Adam`` too: KG401 rewrites it to ``keras.optimizers.Adam``
    in the same ``--fix``, so its arguments are fixed in that pass as well.
    """
    split = split_family(path)
    if split is None:
        return False
    parts = split[1].split(".")
    if parts[0] == "src" and split[0] == "keras":
        parts = parts[1:]
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
    delete: bool = False  # the fix (also) deletes `target` (ranges computed per call)
    target: Optional[cst.Arg] = None  # the argument to delete; `arg` when None
    needs_import: bool = False  # the fix names InverseTimeDecay, which one fix imports

    @property
    def deleted(self) -> Optional[cst.Arg]:
        return self.target if self.target is not None else self.arg


class _Collector(ImportBindings):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []
        self.defined: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in CHECKED_METHODS:
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
      `predict` (autofix: removed, whatever the value: Keras 3's `fit()` rejects
      them; the data is then read in the main thread unless it is a
      `keras.utils.PyDataset`, which takes them itself);
    - Keras 1 names `nb_epoch=` (autofix: `epochs=`), `nb_val_samples=` (autofix:
      `validation_steps=`), `val_samples=` (autofix: `steps=`), `nb_worker=`,
      `pickle_safe=`, `max_q_size=` (autofix: removed), `samples_per_epoch=`
      (autofix: `steps_per_epoch=n // getattr(gen, "batch_size", 1)`, what Keras 2
      computed, when the generator is a plain name);
    - `compile(sample_weight_mode=..., target_tensors=...)` (autofix: `sample_weight_mode`
      removed, `target_tensors` only when `None`);
    - `lr=` (autofix: `learning_rate=`; when both are given, Keras 2 used `lr`) and
      `decay=` (autofix: `learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr,
      decay_steps=1, decay_rate=decay)`, with Keras 3's default rate when no rate
      was given; the schedule is named through an import the file has, or one
      `from keras.optimizers.schedules import InverseTimeDecay` line is added)
      in Keras optimizer constructors (`keras.optimizers.Adam`, `tf.keras.optimizers.SGD`,
      `from tensorflow.keras.optimizers import RMSprop`, `keras.src.optimizers.Adam`, ...).

    No autofix (reported only): `decay=` on a rate that is itself a schedule or
    hidden in `*args` / `**kwargs`, `fit_generator(*args)` or with more than six
    positional arguments (their order changed between Keras 2 releases),
    `samples_per_epoch=` with a generator expression, `target_tensors=`.

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
        # One import line serves the schedule of every decay fix.
        Invalid(
            "from tensorflow.keras.optimizers import Adam\n\n"
            "model.compile(optimizer=Adam(lr=0.001, decay=1e-6), loss='mse')  # expect\n"
            "model.fit_generator(train_gen, 100, epochs=10, workers=4, use_multiprocessing=True)  # expect\n",
            fixed="from tensorflow.keras.optimizers import Adam\n"
            "from tensorflow.keras.optimizers.schedules import InverseTimeDecay\n\n"
            "model.compile(optimizer=Adam(learning_rate=InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-6)), "
            "loss='mse')  # expect\n"
            "model.fit(train_gen, steps_per_epoch=100, epochs=10)  # expect\n",
        ),
        Invalid(
            "import keras as K\n\n"
            "sgd = K.optimizers.SGD(lr=0.01, momentum=0.9)  # expect\n"
            "loss = model.evaluate_generator(generator=val_gen, steps=50)  # expect\n"
            "preds = model.predict_generator(test_gen, 20, max_queue_size=10)  # expect\n",
            fixed="import keras as K\n\n"
            "sgd = K.optimizers.SGD(learning_rate=0.01, momentum=0.9)  # expect\n"
            "loss = model.evaluate(x=val_gen, steps=50)  # expect\n"
            "preds = model.predict(test_gen, steps=20)  # expect\n",
        ),
        Invalid(
            "import tensorflow as tf\n\n"
            "model.compile(optimizer='adam', loss='mse', sample_weight_mode='temporal')  # expect\n"
            "model.fit(x, y, nb_epoch=5)  # expect\n",
            fixed="import tensorflow as tf\n\n"
            "model.compile(optimizer='adam', loss='mse')  # expect\n"
            "model.fit(x, y, epochs=5)  # expect\n",
        ),
    )

    def check_source(self, ctx: SourceContext) -> Iterable[Finding]:
        if not _PRECHECK.search(ctx.text):
            return []
        if inside_keras_package(ctx.path) or inside_tensorflow_package(ctx.path):
            # The packages that define these APIs (TensorFlow's frozen Keras 2
            # copy, tf_keras) use them legitimately.
            return []
        collector = _Collector()
        collector.collect(ctx.module, ctx.path)
        if not collector.calls:
            return []
        keras_file = collector.keras_family_in_use()
        imports = ImportAdder(ctx, collector)
        findings: list[Finding] = []
        needing_import: list[Finding] = []
        for call in collector.calls:
            issues = self._issues(ctx, collector, call, keras_file, imports)
            if not issues:
                continue
            _plan_deletions(ctx, call, issues)
            site = ctx.site(call.func)
            for issue in issues:
                fix = Fix(issue.description, issue.edits) if issue.edits else None
                where = ctx.site(issue.arg) if issue.arg is not None else site
                finding = self.finding(where, issue.message, issue.hint, fix=fix)
                findings.append(finding)
                if fix is not None and issue.needs_import:
                    needing_import.append(finding)
        imports.attach(needing_import)
        return findings
    # ------------------------------------------------------------------------
    def _issues(
        self, ctx: SourceContext, names: _Collector, call: cst.Call, keras_file: bool, imports: ImportAdder
    ) -> list[_Issue]:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in CHECKED_METHODS:
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
            return _optimizer_arguments(ctx, call, ctx.code_for(func), paths, imports)
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
        edits = [replace(ctx, func.attr, new)]
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
                    edits.append(insert_before(ctx, arg, f"{positional[index - 1]}="))
                index += 1
            elif arg.keyword.value == "generator":
                if "x" in keywords:
                    fixable = False
                    break
                edits.append(replace(ctx, arg.keyword, "x"))
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
    loader_evidence = generator or bool(names & (KERAS_ONLY_LOADER_ARGUMENTS | set(KERAS1_LOADER_ARGUMENTS)))
    new_method = GENERATOR_METHODS.get(method, method)
    for keyword, arg in keywords:
        if (keyword in LOADER_ARGUMENTS and loader_evidence) or (
            keyword in KERAS1_LOADER_ARGUMENTS and (generator or method == "fit")
        ):
            option = KERAS1_LOADER_ARGUMENTS.get(keyword, keyword)
            message = (
                f"`{keyword}=` is no longer an argument of `{new_method}()` in Keras 3."
                if keyword == option
                else f"`{keyword}=` is Keras 1 spelling of `{option}=`, which Keras 3's `{new_method}()` no longer takes."
            )
            issue = _Issue(
                arg,
                message,
                f"pass `{option}=` to your `keras.utils.PyDataset` subclass "
                f"(`super().__init__({option}=...)`); a plain generator is read in the main thread",
            )
            # Keras 3's fit() rejects the argument whatever its value: removing
            # it is the rewrite (the data is then read in the main thread unless
            # it is a PyDataset, which the hint explains).
            issue.delete = True
            value = ctx.code_for(arg.value).strip()
            if value == LOADER_ARGUMENTS.get(option):
                issue.description = f"remove `{keyword}={value}` (the Keras 2 default)"
            else:
                issue.description = f"remove `{keyword}=`"
            issues.append(issue)
        elif keyword == KERAS1_STEPS and method in ("evaluate_generator", "predict_generator"):
            issue = _Issue(
                arg,
                f"`{keyword}=` is Keras 1 spelling that Keras 3 rejects.",
                "`steps` counts batches, not samples: Keras 2 passed the number on unchanged, "
                "so it stays; you probably want `steps=samples // batch_size`",
            )
            if "steps" not in names:
                issue.description = "rename to `steps=`"
                issue.edits = [replace(ctx, arg.keyword, "steps")]  # type: ignore[arg-type]
            issues.append(issue)
        elif keyword in KERAS1_RENAMES and method in FIT_METHODS:
            new = KERAS1_RENAMES[keyword]
            issue = _Issue(
                arg,
                f"`{keyword}=` is Keras 1 spelling that Keras 3 rejects.",
                KERAS1_RENAME_HINTS.get(keyword, f"use `{new}=`"),
            )
            if new not in names:
                issue.description = f"rename to `{new}=`"
                issue.edits = [replace(ctx, arg.keyword, new)]  # type: ignore[arg-type]
            elif keyword == "nb_epoch" and method == "fit":
                # Keras 2's fit() let `nb_epoch` win (`epochs = kwargs.pop('nb_epoch')`).
                issue.description = f"rename to `{new}=`, dropping the `{new}=` that Keras 2 ignored"
                issue.edits = [replace(ctx, arg.keyword, new)]  # type: ignore[arg-type]
                issue.delete = True
                issue.target = dict(keywords)[new]
            issues.append(issue)
        elif (keyword in KERAS1_SAMPLE_COUNTS or keyword == "nb_val_samples") and (generator or method == "fit"):
            issue = _Issue(
                arg,
                f"`{keyword}=` is Keras 1 spelling that Keras 3 rejects.",
                KERAS1_SAMPLE_COUNTS.get(keyword) or KERAS1_RENAME_HINTS.get(keyword) or "",
            )
            if keyword == "samples_per_epoch" and generator and "steps_per_epoch" not in names:
                _plan_samples_per_epoch(ctx, call, arg, issue)
            issues.append(issue)
    return issues


# Values that need no parentheses in front of `//`.
_ATOM = (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.Call, cst.Subscript)


def _plan_samples_per_epoch(ctx: SourceContext, call: cst.Call, arg: cst.Arg, issue: _Issue) -> None:
    """Keras 2 turned `fit_generator(gen, samples_per_epoch=n)` into
    `steps_per_epoch = n // gen.batch_size` when `gen` had a `batch_size`
    (Keras's own iterators), else `n` (keras/legacy/interfaces.py): the fix
    writes exactly that, when the generator is a plain name it may read twice."""
    positional = [a for a in call.args if a.keyword is None]
    keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
    if any(a.star for a in call.args):
        return
    if len(positional) == 1 and "generator" not in keywords:
        generator = positional[0].value
    elif not positional and "generator" in keywords:
        generator = keywords["generator"].value
    else:
        return  # steps given positionally too: Keras 2 raised
    if dotted_parts(generator) is None:
        return  # an expression: reading it twice could build two generators
    gen = ctx.code_for(generator).strip()
    if "\n" in gen or "#" in gen:
        return
    value = arg.value  # its range is inside its own parentheses, the argument's after them
    suffix = f' // getattr({gen}, "batch_size", 1)'
    edits = [replace(ctx, arg.keyword, "steps_per_epoch")]  # type: ignore[arg-type]
    if value.lpar:
        edits.append(insert_after(ctx, arg, suffix))
    elif isinstance(value, _ATOM):
        edits.append(insert_after(ctx, value, suffix))
    else:
        edits.append(insert_before(ctx, value, "("))
        edits.append(insert_after(ctx, value, ")" + suffix))
    issue.edits = edits
    issue.description = "use `steps_per_epoch=` divided by the generator's `batch_size`, as Keras 2 did"


def _compile_arguments(ctx: SourceContext, call: cst.Call) -> list[_Issue]:
    issues = []
    for keyword, arg in _keyword_args(call):
        if keyword in COMPILE_ARGUMENTS:
            issue = _Issue(
                arg,
                f"`compile()` no longer takes `{keyword}=` in Keras 3.",
                COMPILE_ARGUMENTS[keyword],
            )
            value = ctx.code_for(arg.value).strip()
            if value == "None":
                issue.delete = True
                issue.description = f"remove `{keyword}=None`"
            elif keyword in COMPILE_REMOVABLE:
                issue.delete = True
                issue.description = f"remove `{keyword}=` (Keras 3 reads it off the shape of `sample_weight`)"
            issues.append(issue)
    return issues


_ZERO = re.compile(r"^0(\.0*)?$|^0?\.0+$")


def _optimizer_arguments(
    ctx: SourceContext, call: cst.Call, callee: str, paths: frozenset[str], imports: ImportAdder
) -> list[_Issue]:
    keywords = _keyword_args(call)
    by_name = dict(keywords)
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
            issue.description = "rename to `learning_rate=`"
            issue.edits = [replace(ctx, arg.keyword, "learning_rate")]  # type: ignore[arg-type]
            if "learning_rate" in by_name:
                # Both given: every Keras 2 optimizer that accepted both used
                # `lr` (`kwargs.pop("lr", learning_rate)` in keras 2.3+ and
                # tf.keras 2.x), so the `learning_rate=` it ignored goes.
                issue.delete = True
                issue.target = by_name["learning_rate"]
                issue.description = "rename to `learning_rate=`, dropping the `learning_rate=` that Keras 2 ignored"
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
            else:
                _plan_decay(ctx, call, arg, by_name, paths, imports, issue)
            issues.append(issue)
    return issues


def _plan_decay(
    ctx: SourceContext,
    call: cst.Call,
    arg: cst.Arg,
    by_name: dict[str, cst.Arg],
    paths: frozenset[str],
    imports: ImportAdder,
    issue: _Issue,
) -> None:
    """The fix of `decay=D`: the learning rate becomes
    `InverseTimeDecay(LR, decay_steps=1, decay_rate=D)`, the schedule Keras 2
    applied (lr / (1 + D * iterations)), and `decay=` goes."""
    rate = ctx.code_for(arg.value).strip()
    # The learning rate Keras 2 used: `lr=` (which wins over `learning_rate=`),
    # `learning_rate=`, the first positional argument, or the default.
    lr_arg = by_name.get("lr") or by_name.get("learning_rate")
    if lr_arg is None:
        positional = [a for a in call.args if a.keyword is None]
        if positional:
            if positional[0].star:
                return  # `*args` may hold it
            lr_arg = positional[0]
        elif any(a.star == "**" for a in call.args):
            return  # `**kwargs` may hold it
    if lr_arg is not None and _holds_schedule(ctx, lr_arg.value):
        return  # a schedule cannot start another schedule
    defaults = {DEFAULT_LEARNING_RATES[p.rpartition(".")[2]] for p in paths}
    if lr_arg is None and len(defaults) != 1:
        return
    families = sorted({optimizer_family(p) for p in paths}, key=FAMILY_PREFERENCE.index)
    line = ctx.positions.position(call)[0]
    reference = imports.reference(f"{families[0]}.{SCHEDULE_MODULE}.{SCHEDULE}", line)
    if reference is None:
        return
    if lr_arg is not None:
        if "#" in rate:
            return  # the comment would have to move across arguments: left to the user
        issue.edits = [
            insert_before(ctx, lr_arg.value, f"{reference}("),
            insert_after(ctx, lr_arg.value, f", decay_steps=1, decay_rate={rate})"),
        ]
        issue.delete = True
        shown = rate if "\n" not in rate else "..."
        issue.description = f"make the learning rate `{reference}(lr, decay_steps=1, decay_rate={shown})`, the same decay"
    else:
        (default,) = defaults
        # The argument's range holds the value's parentheses (the value's own does not).
        content = f"learning_rate={reference}({default}, decay_steps=1, decay_rate={rate})"
        issue.edits = [replace(ctx, arg, content)]
        shown = content if "\n" not in content else f"learning_rate={reference}({default}, decay_steps=1, decay_rate=...)"
        issue.description = f"use `{shown}` (the default learning rate, decayed as before)"
    issue.needs_import = reference == SCHEDULE and SCHEDULE in imports.planned


_SCHEDULE_CALLEE = re.compile(r"(Decay|Schedule|Restarts|Warmup)\w*$")


def _holds_schedule(ctx: SourceContext, expr: cst.BaseExpression) -> bool:
    """Whether the learning rate is (or may be) a schedule: a call of one, or a
    name that the file assigns a schedule to anywhere."""
    if _is_schedule(expr):
        return True
    if not isinstance(expr, cst.Name):
        return False
    for node in iter_nodes(ctx.module):
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)) and node.value is not None:
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            if any(isinstance(t, cst.Name) and t.value == expr.value for t in targets) and _is_schedule(node.value):
                return True
    return False


def _is_schedule(expr: cst.BaseExpression) -> bool:
    """Whether an expression is visibly a learning-rate schedule (a call of one)."""
    if isinstance(expr, cst.Call):
        parts = dotted_parts(expr.func)
        if not parts:
            return False
        return "schedules" in parts or bool(_SCHEDULE_CALLEE.search(parts[-1]))
    return False


def _plan_deletions(ctx: SourceContext, call: cst.Call, issues: Sequence[_Issue]) -> None:
    """Add to each deleting issue the edit removing its argument (the ranges of
    one call never overlap, so any subset of the fixes applies cleanly); an
    argument that cannot go without a comment leaves its issue without a fix."""
    deletable = [i for i in issues if i.delete and i.deleted is not None]
    if not deletable:
        return
    edits = remove_arguments(ctx, call, [i.deleted for i in deletable if i.deleted is not None])
    for issue in deletable:
        edit = edits.get(id(issue.deleted))
        if edit is None:
            issue.description = ""
            issue.edits = []
        else:
            issue.edits = [*issue.edits, edit]
