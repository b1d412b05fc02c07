"""Regenerate :mod:`kgraphlint.vocab.keras_api` from the installed Keras.

    python -m kgraphlint.vocab.generate            # rewrite keras_api.py
    python -m kgraphlint.vocab.generate --check    # exit 1 when it is out of date

This is the only module of kgraphlint besides the tracer that imports Keras;
the static engine reads the generated data module and never imports Keras.
What is read off the installed Keras (``keras`` and TensorFlow's
``tensorflow.keras``, which Keras 3 ships as ``keras._tf_keras.keras``):

- every public module and the public names it has (submodules marked);
- where each top-level ``keras.<Name>`` is defined inside ``keras.src``;
- renames: a name that ``tensorflow.keras.M`` has and ``keras.M`` does not,
  bound to an object that ``keras`` publishes under another name
  (``tensorflow.keras.losses.mse`` is ``keras.losses.mean_squared_error``);
- for every public layer and optimizer class, the keyword arguments its
  constructor accepts, walking ``__init__`` down the class hierarchy while the
  arguments are passed on as ``**kwargs``, down to the base class that rejects
  any other (``Layer``: "Unrecognized keyword arguments"), plus the names a
  constructor pops out of ``**kwargs`` itself (``input_shape``...).  A class whose
  constructor swallows unknown keywords is marked open (it accepts anything).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import pkgutil
import re
import sys
import types
from typing import Any, Optional

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_api.py")

# The public trees: the name users write, and where Keras keeps it.
TREES = {"keras": "keras", "tensorflow.keras": "keras._tf_keras.keras"}
# Private packages inside the public tree.
_SKIPPED_CHILDREN = {"keras": {"src", "_tf_keras", "api"}}
# Namespaces whose classes are checked for the keyword arguments they accept.
SIGNATURE_NAMESPACES = ("layers", "optimizers")

_POPPED = re.compile(r"""kwargs\.(?:pop|get)\(\s*["'](\w+)["']|["'](\w+)["']\s+(?:not\s+)?in\s+kwargs""")
_FORWARDS = re.compile(r"\*\*kwargs\b")
_REJECTS = re.compile(r"if\s+kwargs\s*:\s*\n\s*raise\b|if\s+kwargs\s*:\s*raise\b")


def _public_modules(root_name: str, real_name: str) -> dict[str, types.ModuleType]:
    """Every public module of one tree, by the name users write."""
    modules: dict[str, types.ModuleType] = {}
    pending = [(root_name, real_name)]
    while pending:
        shown, real = pending.pop()
        try:
            module = importlib.import_module(real)
        except Exception:  # a module that needs an optional dependency
            continue
        modules[shown] = module
        skipped = _SKIPPED_CHILDREN.get(real, set())
        for info in pkgutil.iter_modules(getattr(module, "__path__", []) or []):
            if info.name.startswith("_") or info.name in skipped:
                continue
            pending.append((f"{shown}.{info.name}", f"{real}.{info.name}"))
    return modules


def _names(module: types.ModuleType) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_"))


def _accepted_keywords(cls: type) -> tuple[list[str], bool]:
    """Keyword arguments ``cls(...)`` accepts, and whether it accepts any other."""
    accepted: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is object:
            return sorted(accepted), False
        try:
            signature = inspect.signature(init)
            source = inspect.getsource(init)
        except (TypeError, ValueError, OSError):
            return sorted(accepted), True  # cannot read it: say nothing about it
        var_keyword = False
        for parameter in list(signature.parameters.values())[1:]:
            if parameter.kind is parameter.VAR_KEYWORD:
                var_keyword = True
            elif parameter.kind is not parameter.VAR_POSITIONAL:
                accepted.add(parameter.name)
        if not var_keyword:
            return sorted(accepted), False
        accepted.update(a or b for a, b in _POPPED.findall(source))
        if _REJECTS.search(source):
            return sorted(accepted), False
        if len(_FORWARDS.findall(source)) < 2:  # the signature's own `**kwargs` only
            return sorted(accepted), True  # unknown keywords are swallowed here
    return sorted(accepted), False


def build_tables() -> dict[str, Any]:
    """The generated tables, as plain data (what keras_api.py holds)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    modules: dict[str, dict[str, list[str]]] = {}
    objects: dict[str, dict[str, Any]] = {}
    for family, real in TREES.items():
        for shown, module in sorted(_public_modules(family, real).items()):
            names = _names(module)
            submodules = sorted(n for n in names if isinstance(getattr(module, n, None), types.ModuleType))
            modules[shown] = {"names": names, "modules": submodules}
            objects[shown] = {n: getattr(module, n, None) for n in names}

    # Where Keras publishes each object (first the shortest path).
    published: dict[int, list[str]] = {}
    for shown, members in objects.items():
        if not (shown == "keras" or shown.startswith("keras.")):
            continue
        for name, obj in members.items():
            if obj is None or isinstance(obj, (types.ModuleType, str, int, float, bool)):
                continue
            published.setdefault(id(obj), []).append(f"{shown}.{name}")
    renames: dict[str, str] = {}
    for shown, members in objects.items():
        if not shown.startswith("tensorflow.keras"):
            continue
        keras_module = "keras" + shown[len("tensorflow.keras") :]
        if keras_module not in modules:
            continue
        present = set(modules[keras_module]["names"])
        for name, obj in members.items():
            if name in present or obj is None:
                continue
            homes = published.get(id(obj), [])
            if not homes:
                continue
            same_module = [h for h in homes if h.rpartition(".")[0] == keras_module]
            renames[f"{keras_module}.{name}"] = sorted(same_module or homes, key=lambda h: (len(h), h))[0]

    top_level_home = {}
    for name, obj in objects["keras"].items():
        home = getattr(obj, "__module__", None)
        if not isinstance(obj, types.ModuleType) and isinstance(home, str) and home.startswith("keras.src"):
            top_level_home[name] = home

    signatures: dict[str, dict[str, Any]] = {}
    for family in TREES:
        for namespace in SIGNATURE_NAMESPACES:
            for name, obj in sorted(objects.get(f"{family}.{namespace}", {}).items()):
                if not isinstance(obj, type):
                    continue
                accepted, open_ = _accepted_keywords(obj)
                signatures[f"{family}.{namespace}.{name}"] = {"accepted": accepted, "open": open_}
    base_layer, _ = _accepted_keywords(keras.layers.Layer)
    return {
        "version": keras.__version__,
        "modules": modules,
        "renames": dict(sorted(renames.items())),
        "top_level_home": dict(sorted(top_level_home.items())),
        "signatures": signatures,
        "base_layer_keywords": base_layer,
    }


# ----------------------------------------------------------------------------
# Writing the data module
# ----------------------------------------------------------------------------

_HEADER = '''"""Generated by `python -m kgraphlint.vocab.generate` from keras {version}: do not edit.

Plain data (static mode never imports Keras); read through
:mod:`kgraphlint.vocab.public_api`, which loads it on first use.
Names lists are space-separated strings to keep the file short.
"""

VERSION = {version!r}
'''


def _words(items: list[str], indent: str) -> str:
    """A space-separated string literal wrapped at ~88 columns."""
    if not items:
        return '""'
    lines: list[str] = []
    current = ""
    for item in items:
        if current and len(indent) + len(current) + len(item) + 4 > 88:
            lines.append(current)
            current = ""
        current += item + " "
    lines.append(current)
    if len(lines) == 1:
        return repr(lines[0].rstrip())
    body = "".join(f"\n{indent}    {line!r}" for line in lines)
    return f"({body}\n{indent})"


def render(tables: dict[str, Any]) -> str:
    out = [_HEADER.format(version=tables["version"])]
    out.append("\n# Public module -> (its public names, the names that are submodules).\nMODULES = {\n")
    for module, entry in tables["modules"].items():
        out.append(f"    {module!r}: (\n")
        out.append(f"        {_words(entry['names'], '        ')},\n")
        out.append(f"        {_words(entry['modules'], '        ')},\n")
        out.append("    ),\n")
    out.append("}\n")
    out.append("\n# A name tensorflow.keras has and keras does not -> keras's name for the same object.\nRENAMES = {\n")
    for old, new in tables["renames"].items():
        out.append(f"    {old!r}: {new!r},\n")
    out.append("}\n")
    out.append("\n# keras.<Name> -> the keras.src module that defines it.\nTOP_LEVEL_HOME = {\n")
    for name, home in tables["top_level_home"].items():
        out.append(f"    {name!r}: {home!r},\n")
    out.append("}\n")
    out.append(
        "\n# Public layer / optimizer class -> (keyword arguments its constructor accepts,\n"
        "# whether it accepts any other).\nSIGNATURES = {\n"
    )
    for name, entry in tables["signatures"].items():
        out.append(f"    {name!r}: ({_words(entry['accepted'], '    ')}, {entry['open']!r}),\n")
    out.append("}\n")
    out.append(f"\n# What the base `Layer` accepts.\nBASE_LAYER_KEYWORDS = {_words(tables['base_layer_keywords'], '')}\n")
    return "".join(out)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kgraphlint.vocab.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the checked-in table is out of date")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(build_tables())
    current = None
    if os.path.exists(args.output):
        with open(args.output, encoding="utf-8") as fh:
            current = fh.read()
    if args.check:
        if current != text:
            print(f"{args.output} is out of date: run python -m kgraphlint.vocab.generate", file=sys.stderr)
            return 1
        return 0
    if current != text:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
