"""KG401 private-keras-api: Keras 2 private modules and ``keras.src`` in user code.

The import resolver it shares with KG402 lives in
:mod:`kgraphlint.static.imports` (with :mod:`kgraphlint.static.cst_walk`); its
edits are built with :mod:`kgraphlint.fix_toolkit`.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

import libcst as cst

from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.fix_toolkit import replace
from kgraphlint.rules._removed_names import removed_names
from kgraphlint.rules.base import Invalid, Rule
from kgraphlint.static.cst_walk import dotted_parts
from kgraphlint.static.imports import (
    ImportBindings,
    alias_binding,
    inside_keras_package,
    inside_tensorflow_package,
)
from kgraphlint.static.source import SourceContext
from kgraphlint.vocab.families import KERAS2_PACKAGE, public_family, runs_as_keras2, split_family
from kgraphlint.vocab.public_api import public_names, top_level_home

# ----------------------------------------------------------------------------
# What is private, and what the public name is
# ----------------------------------------------------------------------------

# Keras 2 had one module per layer family (``keras.layers.core``,
# ``keras.layers.merge``...).  None of them exists in Keras 3 (checked:
# ``import keras.layers.core`` raises ModuleNotFoundError on keras 3.15).
KERAS2_LAYER_MODULES = frozenset(
    """
    advanced_activations convolutional convolutional_recurrent core cudnn_recurrent
    embeddings local merge noise normalization pooling recurrent wrappers
    """.split()
)

# Keras 2 ``keras.engine`` / ``tensorflow.python.keras.engine`` names and their
# Keras 3 public homes (relative to the Keras package, preferred first).  Every
# target is checked against the installed keras by tests/test_source_rules.py.
_MODEL = ("Model", "models.Model")
_INPUT = ("Input", "layers.Input")
_INPUT_LAYER = ("layers.InputLayer",)
_LAYER = ("layers.Layer", "Layer")
_INPUT_SPEC = ("layers.InputSpec", "InputSpec")
_SOURCE_INPUTS = ("utils.get_source_inputs",)
ENGINE_NAMES: dict[str, tuple[str, ...]] = {
    # keras 2.2 re-exported these from keras/engine/__init__.py
    "engine.Model": _MODEL,
    "engine.Input": _INPUT,
    "engine.InputLayer": _INPUT_LAYER,
    "engine.Layer": _LAYER,
    "engine.InputSpec": _INPUT_SPEC,
    "engine.get_source_inputs": _SOURCE_INPUTS,
    "engine.training.Model": _MODEL,
    "engine.sequential.Sequential": ("Sequential", "models.Sequential"),
    # keras 2.0/2.1
    "engine.topology.Input": _INPUT,
    "engine.topology.InputLayer": _INPUT_LAYER,
    "engine.topology.Layer": _LAYER,
    "engine.topology.InputSpec": _INPUT_SPEC,
    "engine.topology.get_source_inputs": _SOURCE_INPUTS,
    # keras 2.2+ and tf.keras 2.x
    "engine.input_layer.Input": _INPUT,
    "engine.input_layer.InputLayer": _INPUT_LAYER,
    "engine.base_layer.Layer": _LAYER,
    "engine.base_layer.InputSpec": _INPUT_SPEC,
    "engine.input_spec.InputSpec": _INPUT_SPEC,
    "engine.network.get_source_inputs": _SOURCE_INPUTS,
    "engine.keras_tensor.KerasTensor": ("KerasTensor",),
    "engine.saving.load_model": ("models.load_model", "saving.load_model"),
    "engine.saving.save_model": ("models.save_model", "saving.save_model"),
}

# Names that Keras 2 code reached privately but that have no drop-in public
# replacement: reported with a hint, never rewritten.
NO_DROP_IN: dict[str, str] = {
    "engine.functional.Functional": "functional models are `keras.Model` instances; use `keras.Model`",
    "engine.network.Network": "use `keras.Model`",
    "engine.topology.Container": "use `keras.Model`",
    "engine.node.Node": "Keras 3 has no public Node class",
    "layers.merge.merge": "use the merge layers, e.g. `keras.layers.concatenate([a, b])`",
    "layers.merge.Merge": "use the merge layers, e.g. `keras.layers.Concatenate()`",
}
# Namespaces whose `keras.src.<ns>` holds the very objects `keras.<ns>` publishes
# (tests/test_source_rules.py checks it): `keras.src.<ns>...<Name>` is
# rewritten to `keras.<ns>.<Name>` for the public names of these.
PUBLIC_NAMESPACES = frozenset(
    """
    layers models optimizers losses metrics callbacks activations initializers
    regularizers constraints utils applications saving
    """.split()
)


def public_names_of(namespace: str) -> frozenset[str]:
    """The public (non-module) names of ``keras.<namespace>`` ("" is ``keras``)."""
    return public_names(f"keras.{namespace}" if namespace else "keras")


def is_private(path: str) -> bool:
    """Whether a dotted path names a private or removed part of Keras."""
    split = split_family(path)
    if split is None:
        return False
    family, rel = split
    if family == "tensorflow.python.keras":
        return True
    if family == KERAS2_PACKAGE:
        # tf_keras *is* Keras 2: its own layout is not "removed in Keras 3".
        return False
    parts = rel.split(".") if rel else []
    if not parts:
        return False
    if parts[0] in ("engine", "src"):
        return True
    return len(parts) >= 2 and parts[0] == "layers" and parts[1] in KERAS2_LAYER_MODULES


def _public_rels(family: str, rel: str) -> tuple[tuple[str, ...], bool]:
    """Public Keras-relative replacements for a private ``rel`` (preferred
    first), and whether the replacement is a module (uses must be checked)."""
    parts = rel.split(".") if rel else []
    if rel in ENGINE_NAMES:
        return ENGINE_NAMES[rel], False
    if not parts or rel in NO_DROP_IN:
        return (("",), True) if (family == "tensorflow.python.keras" and not parts) else ((), False)
    if parts[0] == "src":
        parts = parts[1:]
        if not parts:
            return (), False
        if len(parts) == 1:
            return ((parts[0],), True) if parts[0] in PUBLIC_NAMESPACES else ((), False)
        ns, leaf = parts[0], parts[-1]
        found: list[str] = []
        # `keras.src.<ns>...<Name>` is `keras.<ns>.<Name>` (every public name
        # that keras.src.<ns> has is the very same object: tests check it).
        if ns in PUBLIC_NAMESPACES and leaf in public_names_of(ns):
            found.append(f"{ns}.{leaf}")
        home = top_level_home().get(leaf)
        module = "keras.src." + ".".join(parts[:-1])
        if home is not None and (home == module or home.startswith(module + ".")):
            found.append(leaf)
        return tuple(found), False
    if parts[0] == "layers" and len(parts) >= 2 and parts[1] in KERAS2_LAYER_MODULES:
        if len(parts) == 3 and parts[2] in public_names_of("layers"):
            return (f"layers.{parts[2]}",), False
        return (), False
    if parts[0] == "engine":
        return (), False
    if family == "tensorflow.python.keras":
        # The rest of TensorFlow's private Keras copy mirrors the public layout.
        if len(parts) == 1 and parts[0] in PUBLIC_NAMESPACES:
            return (rel,), True
        if len(parts) == 1 and parts[0] in public_names_of(""):
            return (rel,), False
        if len(parts) == 2 and parts[0] in PUBLIC_NAMESPACES and parts[1] in public_names_of(parts[0]):
            return (rel,), False
    return (), False


def public_targets(path: str) -> tuple[tuple[str, ...], bool]:
    """Full public dotted paths for a private ``path`` (preferred first), and
    whether they are modules.  Empty when no mechanical replacement is known."""
    split = split_family(path)
    if split is None:
        return (), False
    family, rel = split
    out_family = public_family(family)
    rels, is_module = _public_rels(family, rel)
    return tuple(f"{out_family}.{r}" if r else out_family for r in rels), is_module


def _hint_for(path: str) -> str:
    split = split_family(path)
    rel = split[1] if split else ""
    for key, hint in NO_DROP_IN.items():
        if rel == key or rel.startswith(key + "."):
            return hint
    if split and split[0] == "tensorflow.python.keras":
        return "import from the public `keras` (or `tensorflow.keras`) namespaces instead"
    if rel.startswith("src"):
        return "import the public name from `keras` / `keras.layers` / `keras.models` ... instead"
    return "use the public Keras 3 name (`keras.Model`, `keras.Input`, `keras.layers.*`, ...)"


# Infrastructure that exists only for Keras's own modules: the decorator that
# publishes a Keras API name, and Keras's internal test base.
_KERAS_INTERNALS = re.compile(
    r"\bkeras\.src\.api_export\b|\bkeras\.src\.testing\b|\bfrom\s+keras\.src\s+import\s+[^\n]*\btesting\b"
)


def declares_keras_internals(text: str) -> bool:
    """Whether a module is part of Keras by what it does, wherever it lies.

    A module that publishes Keras API with ``keras.src.api_export.keras_export``
    (every module behind ``keras.applications``, ``keras.layers``...), or is
    written on Keras's internal ``keras.src.testing`` test base, is a piece of
    Keras even when copied out of site-packages (a vendored or benchmarked
    copy of ``keras/src/applications``).
    """
    return bool(_KERAS_INTERNALS.search(text))


def describe_private(path: str, shown: Optional[str] = None) -> str:
    """One sentence saying why ``path`` (written ``shown`` in the source) is not usable."""
    shown = shown or path
    split = split_family(path)
    family, rel = split if split else ("keras", "")
    if family == "tensorflow.python.keras":
        # (A conditional expression binds looser than adjacent string literals:
        # the explanation is added to both subjects explicitly.)
        subject = (
            f"`{shown}` uses `tensorflow.python.keras`, TensorFlow's private, frozen copy of Keras 2"
            if shown != "tensorflow.python.keras"
            else "`tensorflow.python.keras` is TensorFlow's private, frozen copy of Keras 2"
        )
        return f"{subject}: its objects do not mix with Keras 3 (`keras`, `tf.keras`)"
    if rel.startswith("src"):
        return f"`{shown}` reaches into `keras.src`, Keras 3's private source tree, which changes without notice"
    if rel.startswith("engine"):
        return f"`{shown}` is private Keras 2 API: Keras 3 has no `keras.engine`"
    module = "keras." + ".".join(rel.split(".")[:2])
    if shown.endswith(module) or module.endswith(shown):
        return f"`{shown}` is a Keras 2 module that Keras 3 removed"
    return f"`{shown}` uses `{module}`, a Keras 2 module that Keras 3 removed"


_K2 = "|".join(sorted(KERAS2_LAYER_MODULES))
# A file can only reach a private module by writing one of these; most files
# never do and are done after this scan.
_PRECHECK = re.compile(
    rf"\.(?:engine|src)\b|python\.keras|python\s+import|\.(?:{_K2})\b"
    rf"|\bimport\b[^\n]*\b(?:engine|src|{_K2})\b"
)


class _Collector(ImportBindings):
    """Bindings plus what KG401 looks at: imports and attribute chains."""

    def __init__(self) -> None:
        super().__init__()
        self.import_nodes: list[Union[cst.Import, cst.ImportFrom]] = []
        self.chains: list[cst.Attribute] = []
        self.chains_by_root: dict[str, list[list[str]]] = {}
        self.bare_names: set[str] = set()
        # Attribute chains that are assigned to or deleted (a monkeypatch
        # defines the name rather than using it).
        self.assigned: set[int] = set()

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        super().visit_AssignTarget(node)
        self.assigned.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self.assigned.add(id(node.target))

    def visit_Import(self, node: cst.Import) -> Optional[bool]:
        if not self.guarded:
            self.import_nodes.append(node)
        return super().visit_Import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> Optional[bool]:
        if not self.guarded:
            self.import_nodes.append(node)
        return super().visit_ImportFrom(node)

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        parts = dotted_parts(node)
        if parts is None:
            return True
        if not self.guarded:
            self.chains.append(node)
        self.chains_by_root.setdefault(parts[0], []).append(parts)
        return False  # the inner links of a chain are not chains of their own

    def visit_Name(self, node: cst.Name) -> None:
        self.bare_names.add(node.value)


class PrivateKerasApi(Rule):
    """
    ## What it does
    Reports imports and attribute chains that reach into Keras's private or
    removed modules: `keras.engine.*` (`keras.engine.training.Model`,
    `keras.engine.topology`, `keras.engine.input_layer.Input`, ...), the Keras 2
    layer modules (`keras.layers.merge`, `keras.layers.core`, ...),
    `keras.src.*`, and TensorFlow's private copy `tensorflow.python.keras.*`,
    through `keras`, `tensorflow.keras` / `tf.keras` and any import alias.

    Also reports any import or attribute chain naming something Keras 3's
    public API does not have (`from keras.preprocessing.image import
    ImageDataGenerator`, `from keras.losses import mse`,
    `keras.utils.numerical_utils`, `tf.keras.layers.experimental`,
    `keras.layers.ThresholdedReLU`...), judged against the table of every public
    module and name generated from the installed Keras
    (`kgraphlint/vocab/keras_api.py`), with the replacement when one is known.
    `tf.keras` keeps a few Keras 2 names that `keras` dropped
    (`tf.keras.preprocessing.image.ImageDataGenerator`, `tf.keras.losses.mse`):
    those are fine there. Files that run as Keras 2 (they import `tf_keras`,
    set `TF_USE_LEGACY_KERAS=1` or pin TensorFlow below 2.16) are not judged
    against Keras 3, nor are names the file probes with `hasattr` / `getattr`.

    Not reported: imports and uses inside a `try:` whose `except` catches
    `ImportError` / `ModuleNotFoundError` / `AttributeError` (or broader): that
    is a version shim whose fallback runs on Keras 3.

    Files that are part of Keras itself (inside a `keras/` package directory
    that has a `src/` sub-package, e.g. `site-packages/keras/src/...`) are not
    checked: Keras's own code is where `keras.src` is meant to be used. Nor
    are modules that are pieces of Keras by what they do, wherever they lie:
    they publish Keras API through `keras.src.api_export.keras_export` or are
    written on Keras's internal test base `keras.src.testing` (a vendored copy
    of `keras/src/applications/inception_v3.py`, say). In the
    same way, TensorFlow's own files (inside a `tensorflow/` package with a
    `python/` sub-package) may use `tensorflow.python.keras`.
    `tf_keras` (the Keras 2 package) is left alone: its layout is its own.

    ## Why is this bad?
    These modules are not Keras's public API. The Keras 2 ones do not exist in
    Keras 3 (`import keras.engine` raises `ModuleNotFoundError`), `keras.src`
    is reorganised between releases without notice, and
    `tensorflow.python.keras` is a frozen Keras 2 whose layers and models do
    not mix with Keras 3 tensors.

    The autofix rewrites to the public name when there is a drop-in one
    (`keras.engine.training.Model` -> `keras.Model`,
    `keras.engine.input_layer.Input` -> `keras.Input`,
    `keras.engine.base_layer.Layer` -> `keras.layers.Layer`,
    `keras.layers.merge.concatenate` -> `keras.layers.concatenate`,
    `keras.src.layers.Dense` -> `keras.layers.Dense`,
    `tensorflow.python.keras.layers.Dense` -> `tensorflow.keras.layers.Dense`),
    keeping every local name bound as before, and renames a name Keras 3
    kept under another name (`from keras.losses import mse` -> `from
    keras.losses import mean_squared_error as mse`). Anything else (e.g.
    `keras.engine.functional.Functional`, a module imported under an alias
    whose uses are not all public, `ImageDataGenerator`) is reported without a
    fix, with a hint when the replacement is known.

    ## Example
    ```python
    import keras
    from keras.layers.merge import concatenate

    base = keras.applications.InceptionV3(include_top=False, weights=None)
    x = keras.layers.GlobalAveragePooling2D()(base.output)
    x = concatenate([x, x])
    model = keras.engine.training.Model(base.inputs, keras.layers.Dense(5)(x))
    ```

    ## Use instead
    ```python
    import keras
    from keras.layers import concatenate

    base = keras.applications.InceptionV3(include_top=False, weights=None)
    x = keras.layers.GlobalAveragePooling2D()(base.output)
    x = concatenate([x, x])
    model = keras.Model(base.inputs, keras.layers.Dense(5)(x))
    ```
    """

    code = "KG401"
    name = "private-keras-api"
    severity = "error"
    engines = "S"
    summary = (
        "Private or removed Keras API (keras.engine, keras.layers.merge, keras.src, tensorflow.python.keras, "
        "names Keras 3 does not have)."
    )
    source_rule = True

    VALID = (
        "import keras\nfrom keras import layers\n\n"
        "inputs = keras.Input(shape=(8,))\n"
        "x = layers.concatenate([inputs, inputs])\n"
        "model = keras.Model(inputs, layers.Dense(1)(x))\n",
        "import tensorflow as tf\nfrom tensorflow.keras.models import Model\n\n"
        "inputs = tf.keras.Input(shape=(8,))\nmodel = Model(inputs, tf.keras.layers.Dense(1)(inputs))\n",
        # A user's own module called `engine` has nothing to do with Keras.
        "import engine\nfrom engine.training import Model\nfrom .engine import topology\n\n"
        "model = Model(engine.training.config())\n",
        "import tf_keras\n\nmodel = tf_keras.src.engine.training.Model\n",
        # tf.keras keeps these Keras 2 names; tf_keras is Keras 2.
        "import tensorflow as tf\n"
        "from tensorflow.keras.preprocessing.image import ImageDataGenerator\n\n"
        "gen = ImageDataGenerator(rotation_range=10)\nloss = tf.keras.losses.mse\n",
        "from tf_keras.preprocessing.image import ImageDataGenerator\nfrom tf_keras.losses import mse\n",
        # The file runs as Keras 2.
        "import os\nos.environ['TF_USE_LEGACY_KERAS'] = '1'\nimport tensorflow as tf\n\n"
        "sess = tf.keras.backend.get_session()\n",
        # A version shim probing for the name.
        "import keras\n\n"
        "Relu = keras.layers.ThresholdedReLU if hasattr(keras.layers, 'ThresholdedReLU') else keras.layers.ReLU\n",
    )
    INVALID = (
        Invalid(
            "import keras\n\n"
            "def construct_model(base, new_output):\n"
            "    model = keras.engine.training.Model(base.inputs, new_output)  # expect\n"
            "    return model\n",
            fixed="import keras\n\n"
            "def construct_model(base, new_output):\n"
            "    model = keras.Model(base.inputs, new_output)  # expect\n"
            "    return model\n",
        ),
        Invalid(
            "from keras.engine.topology import Input, Layer  # expect\n"
            "from keras.layers.merge import concatenate  # expect\n"
            "import keras.engine.training  # expect\n"
            "from keras.src.layers import Dense  # expect\n",
            fixed="from keras import Input, Layer  # expect\n"
            "from keras.layers import concatenate  # expect\n"
            "import keras  # expect\n"
            "from keras.layers import Dense  # expect\n",
        ),
        # `Functional` has no drop-in public name: reported, not rewritten.
        Invalid(
            "import tensorflow as tf\n"
            "from tensorflow.python.keras.layers import Dense  # expect\n\n"
            "inputs = tf.keras.engine.input_layer.Input(shape=(8,))  # expect\n"
            "base = tf.keras.engine.functional.Functional  # expect\n",
            fixed="import tensorflow as tf\n"
            "from tensorflow.keras.layers import Dense  # expect\n\n"
            "inputs = tf.keras.Input(shape=(8,))  # expect\n"
            "base = tf.keras.engine.functional.Functional  # expect\n",
        ),
        "from keras import engine  # expect\n"
        "from keras.engine.training import *  # expect\n",
        # Names Keras 3 does not have; `mse` is `mean_squared_error` there.
        Invalid(
            "import keras\n"
            "from keras.preprocessing.image import ImageDataGenerator  # expect\n"
            "from keras.losses import mse  # expect\n\n"
            "loss = keras.losses.mse  # expect\n"
            "onehot = keras.utils.numerical_utils.to_categorical  # expect\n",
            fixed="import keras\n"
            "from keras.preprocessing.image import ImageDataGenerator  # expect\n"
            "from keras.losses import mean_squared_error as mse  # expect\n\n"
            "loss = keras.losses.mean_squared_error  # expect\n"
            "onehot = keras.utils.numerical_utils.to_categorical  # expect\n",
        ),
    )

    def check_source(self, ctx: SourceContext) -> Iterable[Finding]:
        if "keras" not in ctx.text and not (ctx.facts is not None and ctx.facts.dependencies):
            # Keras is reached by naming it, or through the project's own
            # modules (`from utils.compat import K`), whose imports are followed.
            return []
        # Names Keras 3 lacks are judged only in files that run as Keras 3.
        keras3 = not runs_as_keras2(ctx.text)
        if not keras3 and not _PRECHECK.search(ctx.text):
            return []
        if inside_keras_package(ctx.path) or declares_keras_internals(ctx.text):
            return []
        private: Callable[[str], bool] = is_private
        if inside_tensorflow_package(ctx.path):
            # TensorFlow's own modules may use its own private copy of Keras.
            def private(path: str) -> bool:
                return is_private(path) and not path.startswith("tensorflow.python.keras")

        collector = _Collector()
        collector.collect(ctx.module, ctx.path)
        findings: list[Finding] = []
        for node in collector.import_nodes:
            if isinstance(node, cst.Import):
                findings.extend(self._check_import(ctx, collector, node, private))
            else:
                finding = self._check_import_from(ctx, collector, node, private)
                if finding is not None:
                    findings.append(finding)
        for chain in collector.chains:
            finding = self._check_chain(ctx, collector, chain, private)
            if finding is not None:
                findings.append(finding)
        if keras3:
            for removed in removed_names(ctx, collector, private):
                findings.append(self.finding(ctx.site(removed.node), removed.message, removed.hint, fix=removed.fix))
        return findings

    # -- import keras.engine.training [as t] --------------------------------------
    def _check_import(
        self, ctx: SourceContext, names: _Collector, node: cst.Import, private: Callable[[str], bool]
    ) -> Iterator[Finding]:
        for alias in node.names:
            parts = dotted_parts(alias.name)
            if not parts:
                continue
            path = ".".join(parts)
            if not private(path):
                continue
            edit: Optional[Edit] = None
            if alias.asname is None:
                # `import keras.engine.training` binds `keras`: importing the
                # package keeps that binding, and the chains that use it are
                # rewritten one by one.
                edit = replace(ctx, alias.name, parts[0])
                description = f"import `{parts[0]}`"
            else:
                targets, is_module = public_targets(path)
                bound = alias_binding(alias)
                if targets and is_module and _uses_are_public(names, bound, targets[0]):
                    edit = replace(ctx, alias.name, targets[0])
                    description = f"import `{targets[0]}` instead"
            fix = Fix(description, [edit]) if edit is not None else None
            yield self.finding(
                ctx.site(alias),
                f"{describe_private(path)}.",
                _fix_hint(fix) or _hint_for(path),
                fix=fix,
            )

    # -- from keras.engine.training import Model ------------------------------------
    def _check_import_from(
        self, ctx: SourceContext, names: _Collector, node: cst.ImportFrom, private: Callable[[str], bool]
    ) -> Optional[Finding]:
        if node.relative or node.module is None:
            return None
        module_parts = dotted_parts(node.module)
        if not module_parts:
            return None
        module = ".".join(module_parts)
        if isinstance(node.names, cst.ImportStar):
            if not private(module):
                return None
            return self.finding(
                ctx.site(node),
                f"{describe_private(module)}.",
                "import the names you use from the public Keras API instead of `*`",
            )
        private_names = [
            f"{module}.{'.'.join(dotted_parts(a.name) or [])}"
            for a in node.names
            if private(f"{module}.{'.'.join(dotted_parts(a.name) or [])}")
        ]
        if not private_names:
            return None
        shown = module if private(module) else private_names[0]
        edits = _from_import_edits(ctx, names, node, module)
        fix = None
        if edits:
            new_module = _new_from_module(node, module, edits, ctx)
            fix = Fix(f"import from `{new_module}`", edits)
        return self.finding(ctx.site(node), f"{describe_private(shown)}.", _fix_hint(fix) or _hint_for(shown), fix=fix)

    # -- keras.engine.training.Model(...) ---------------------------------------------
    def _check_chain(
        self, ctx: SourceContext, names: _Collector, chain: cst.Attribute, private: Callable[[str], bool]
    ) -> Optional[Finding]:
        parts = dotted_parts(chain)
        if not parts:
            return None
        roots = names.resolve_name(parts[0])
        if not roots or any(private(r) for r in roots):
            # Unknown root, or a name bound by a private import: that import is
            # the finding (its uses are not repeated).
            return None
        first_private: Optional[int] = None
        for root in roots:
            k = next(
                (k for k in range(2, len(parts) + 1) if private(".".join([root, *parts[1:k]]))),
                None,
            )
            if k is None:
                return None
            first_private = k if first_private is None else min(first_private, k)
        assert first_private is not None
        root = sorted(roots)[0]
        private_path = ".".join([root, *parts[1:first_private]])
        fix = None
        if len(roots) == 1:
            fix = _chain_fix(ctx, names, chain, parts, root, first_private)
        return self.finding(
            ctx.site(chain),
            f"{describe_private(private_path, '.'.join(parts))}.",
            _fix_hint(fix) or _hint_for(".".join([root, *parts[1:]])),
            fix=fix,
        )


# ----------------------------------------------------------------------------
# Fix helpers
# ----------------------------------------------------------------------------


def _fix_hint(fix: Optional[Fix]) -> str:
    if fix is None:
        return ""
    if fix.description == "import `tensorflow`":
        # `import tensorflow.python.keras` becomes `import tensorflow`, which
        # is not itself the Keras API: say where that is.
        return "import `tensorflow` and use `tensorflow.keras`, the public Keras 3 API"
    return f"{fix.description}, the public Keras 3 API"


def _uses_are_public(names: _Collector, bound: str, target_module: str) -> bool:
    """Whether every use of the module bound to ``bound`` is ``bound.<public name>``."""
    split = split_family(target_module)
    if split is None:
        return False
    rel = split[1]
    if rel == "":
        allowed = public_names_of("") | PUBLIC_NAMESPACES
    elif rel in PUBLIC_NAMESPACES:
        allowed = public_names_of(rel)
    else:
        return False
    if bound in names.bare_names:
        return False  # the module object itself is passed around
    return all(len(p) >= 2 and p[1] in allowed for p in names.chains_by_root.get(bound, ()))


def _express(names: _Collector, own_root: tuple[str, str], target: str) -> Optional[str]:
    """Source text for the dotted path ``target`` using a name bound in the file."""
    candidates: list[tuple[int, str, str]] = []
    local, path = own_root
    if target == path or target.startswith(path + "."):
        return local + target[len(path) :]
    for name, paths in names.imports.items():
        if name in names.other or len(paths) != 1:
            continue
        (bound,) = paths
        if is_private(bound):
            continue
        if target == bound or target.startswith(bound + "."):
            candidates.append((-len(bound), name, name + target[len(bound) :]))
    if not candidates:
        return None
    return sorted(candidates)[0][2]


_PLAIN_CHAIN = re.compile(r"^[A-Za-z_][\w.]*$")


def _chain_fix(
    ctx: SourceContext,
    names: _Collector,
    chain: cst.Attribute,
    parts: list[str],
    root: str,
    first_private: int,
) -> Optional[Fix]:
    # nodes[k] is the sub-chain made of the first k parts.
    nodes: dict[int, cst.BaseExpression] = {}
    expr: cst.BaseExpression = chain
    for k in range(len(parts), 0, -1):
        nodes[k] = expr
        if isinstance(expr, cst.Attribute):
            expr = expr.value
    # The longest private prefix with a public replacement wins:
    # `keras.src.layers.Dense` -> `keras.layers.Dense`, not `keras.layers` + `.Dense`.
    for k in range(len(parts), first_private - 1, -1):
        path = ".".join([root, *parts[1:k]])
        targets, is_module = public_targets(path)
        if is_module and k < len(parts):
            targets = tuple(t for t in targets if _attribute_is_public(t, parts[k]))
        for target in targets:
            text = _express(names, (parts[0], root), target)
            node = nodes[k]
            if text is None or not _PLAIN_CHAIN.match(ctx.code_for(node)):
                continue
            return Fix(f"use `{text}`", [replace(ctx, node, text)])
        if targets:
            return None
    return None


def _attribute_is_public(module: str, attr: str) -> bool:
    split = split_family(module)
    if split is None:
        return False
    rel = split[1]
    if rel == "":
        return attr in public_names_of("") or attr in PUBLIC_NAMESPACES
    return rel in PUBLIC_NAMESPACES and attr in public_names_of(rel)


def _from_import_edits(
    ctx: SourceContext, names: _Collector, node: cst.ImportFrom, module: str
) -> list[Edit]:
    """Edits turning ``from <private> import a, b`` into a public import that
    binds the same local names, or [] when there is no single such import."""
    assert not isinstance(node.names, cst.ImportStar)
    choices: list[list[tuple[str, str]]] = []
    for alias in node.names:
        name_parts = dotted_parts(alias.name)
        if not name_parts or len(name_parts) != 1:
            return []
        full = f"{module}.{name_parts[0]}"
        if is_private(full):
            targets, is_module = public_targets(full)
            if is_module:
                bound = alias_binding(alias)
                targets = tuple(t for t in targets if _uses_are_public(names, bound, t))
        else:
            targets = (full,)
        if not targets:
            return []
        choices.append([(t.rpartition(".")[0], t.rpartition(".")[2]) for t in targets])
    common = set.intersection(*({p for p, _ in c} for c in choices))
    parent = next((p for p, _ in choices[0] if p in common), "")
    if not parent:
        return []
    edits: list[Edit] = []
    if parent != module:
        edits.append(replace(ctx, node.module, parent))  # type: ignore[arg-type]
    for alias, options in zip(node.names, choices):
        leaf = next(leaf for p, leaf in options if p == parent)
        current = alias.name.value if isinstance(alias.name, cst.Name) else None
        if current is None or leaf == current:
            continue
        content = leaf if alias.asname is not None else f"{leaf} as {current}"
        edits.append(replace(ctx, alias.name, content))
    return edits


def _new_from_module(node: cst.ImportFrom, module: str, edits: Sequence[Edit], ctx: SourceContext) -> str:
    """The module the fixed ``from`` import reads from (for the description)."""
    assert node.module is not None
    line, column, end_line, end_column = ctx.positions.position(node.module)
    for edit in edits:
        if (edit.line, edit.column, edit.end_line, edit.end_column) == (line, column, end_line, end_column):
            return edit.content
    return module
