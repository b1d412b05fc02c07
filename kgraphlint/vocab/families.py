"""Which package prefixes are Keras, and which Keras each one is.

``keras`` is Keras 3 (the migration target: Keras 2 code written against
``keras`` breaks on it), ``tensorflow.keras`` is Keras 3 too on TensorFlow >=
2.16 (``tf.keras`` reaches it once ``import tensorflow as tf`` binds ``tf``),
``tf_keras`` is the Keras 2 package kept for legacy code, and
``tensorflow.python.keras`` is TensorFlow's private, frozen copy of Keras 2.
"""

from __future__ import annotations

import re
from typing import Optional

# Package prefixes under which Keras lives, longest first where one contains
# another.  ``tensorflow.python.keras`` is the private copy of Keras 2 inside
# TensorFlow; ``tf_keras`` is the Keras 2 package that TensorFlow >= 2.16 users
# install to keep Keras 2.
PRIVATE_KERAS2 = "tensorflow.python.keras"
KERAS2_PACKAGE = "tf_keras"
KERAS3_FAMILIES = ("tensorflow.keras", "keras")
KERAS_FAMILIES = (PRIVATE_KERAS2, "tensorflow.keras", KERAS2_PACKAGE, "keras")

# Top-level distributions that hold Keras (the tracer treats their files as
# library code, never as the user's).
KERAS_DISTRIBUTIONS = ("keras", "tensorflow", KERAS2_PACKAGE)

# Inside a family, the trees that re-export its public API under another
# prefix: each Keras's private source tree, and Keras 3's generated API tree of
# its early releases.  They are the same Keras objects as the public names.
_INTERNAL_TREES = ("tf_keras.src", "keras.src", "keras.api._v2.keras", "keras.api")


def split_family(path: str) -> Optional[tuple[str, str]]:
    """``"tensorflow.keras.layers.Dense"`` -> ``("tensorflow.keras", "layers.Dense")``."""
    for family in KERAS_FAMILIES:
        if path == family:
            return family, ""
        if path.startswith(family) and path[len(family)] == ".":
            return family, path[len(family) + 1 :]
    return None


# When several families could name one thing, the one to write (KG402 names a
# schedule class in the first family the file uses, in this order).
FAMILY_PREFERENCE = ("keras", "tensorflow.keras", KERAS2_PACKAGE, PRIVATE_KERAS2)


def is_keras3_family(family: str) -> bool:
    return family in KERAS3_FAMILIES


def public_family(family: str) -> str:
    """The public package that stands for a family: TensorFlow's private
    Keras 2 copy is reached publicly as ``tensorflow.keras``."""
    return "tensorflow.keras" if family == PRIVATE_KERAS2 else family


# Every prefix that canonical() folds onto ``keras.``: the internal trees first
# (``keras.src.layers`` before ``keras.layers``), then the families.
_CANONICAL_PREFIXES = tuple(
    p + "." for p in (PRIVATE_KERAS2, "tensorflow.keras", *_INTERNAL_TREES, KERAS2_PACKAGE)
)
_CANONICAL_ROOTS = frozenset({"tensorflow.keras", KERAS2_PACKAGE, "keras.src"})


def canonical(path: str) -> str:
    """``tensorflow.keras.layers.Dense`` -> ``keras.layers.Dense``: one name for
    the same Keras object whichever family or tree reaches it."""
    if path in _CANONICAL_ROOTS:
        return "keras"
    for prefix in _CANONICAL_PREFIXES:
        if path.startswith(prefix):
            return "keras." + path[len(prefix) :]
    return path


def is_keras(path: str) -> bool:
    """Whether a canonical path is Keras."""
    return path == "keras" or path.startswith("keras.")


_TF_KERAS_IMPORT = re.compile(r"^\s*(?:import|from)\s+tf_keras\b", re.M)
_LEGACY_KERAS_ENV = re.compile(r"TF_USE_LEGACY_KERAS\W{1,8}(?:1|[Tt]rue)\b")
# ``pip install tensorflow==2.15.0`` (a notebook cell), ``tensorflow<2.16``.
_TF_PIN = re.compile(r"\btensorflow(?:-cpu|-gpu)?\s*(==|~=|<=|<)\s*2\.(\d+)")


def runs_as_keras2(text: str) -> bool:
    """The file runs under Keras 2: it imports ``tf_keras``, sets
    ``TF_USE_LEGACY_KERAS=1``, or pins TensorFlow below 2.16 (where
    ``tf.keras`` is Keras 2)."""
    if _TF_KERAS_IMPORT.search(text) or _LEGACY_KERAS_ENV.search(text):
        return True
    for m in _TF_PIN.finditer(text):
        op, minor = m.group(1), int(m.group(2))
        if minor < 16 or (op == "<" and minor == 16):
            return True
    return False
