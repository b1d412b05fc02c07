"""The fix toolkit: edit construction on real libcst trees and application to text."""

from __future__ import annotations

import libcst as cst

from kgraphlint.findings import Edit, Fix
from kgraphlint.fix_toolkit import ImportAdder, apply_to_text, remove_argument, remove_arguments, replace
from kgraphlint.static.imports import ImportBindings
from kgraphlint.static.source import make_context


def _ctx(text: str):
    return make_context("m.py", text, cst.parse_module(text))


def _call(ctx) -> cst.Call:
    return next(n for n in _walk(ctx.module) if isinstance(n, cst.Call))


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_identical_edits_from_two_fixes_apply_once():
    text = "a = 1\nb = 2\n"
    insert = Edit(2, 1, 2, 1, "import x\n")
    first = Fix("one", [insert, Edit(1, 5, 1, 6, "10")])
    second = Fix("two", [Edit(2, 1, 2, 1, "import x\n"), Edit(2, 5, 2, 6, "20")])
    assert apply_to_text(text, [first, second]) == "a = 10\nimport x\nb = 20\n"


def test_two_different_insertions_at_one_place_still_collide():
    text = "a\n"
    fixes = [Fix("", [Edit(1, 1, 1, 1, "x")]), Fix("", [Edit(1, 1, 1, 1, "y")])]
    assert apply_to_text(text, fixes) == "xa\n"


def test_already_applied_edit_is_skipped_not_a_collision():
    text = "keras.Model(x)\n"
    done = Fix("", [Edit(1, 1, 1, 12, "keras.Model")])  # the range already holds it
    other = Fix("", [Edit(1, 7, 1, 12, "Model")])
    assert apply_to_text(text, [done, other]) == text


def test_unsafe_fixes_only_on_request():
    text = "a = 1\n"
    fix = Fix("", [Edit(1, 5, 1, 6, "2")], safe=False)
    assert apply_to_text(text, [fix]) == text
    assert apply_to_text(text, [fix], unsafe=True) == "a = 2\n"
    assert Fix("", [], safe=False).to_dict()["safe"] is False


def test_remove_argument_keeps_comments_and_layout():
    ctx = _ctx("f(a, b=1, c=2)\n")
    call = _call(ctx)
    edit = remove_argument(ctx, call, call.args[1])
    assert apply_to_text(ctx.text, [Fix("", [edit])]) == "f(a, c=2)\n"
    text = "f(\n    a,\n    b=1,  # keep me\n    c=2,\n)\n"
    ctx = _ctx(text)
    call = _call(ctx)
    edits = remove_arguments(ctx, call, [call.args[1], call.args[2]])
    fixed = apply_to_text(text, [Fix("", [e]) for e in edits.values() if e])
    assert fixed == "f(\n    a,\n    # keep me\n)\n"
    cst.parse_module(fixed)


def test_replace_and_import_adder_share_one_import_line():
    text = "import os\n\nx = f(1)\ny = f(2)\n"
    ctx = _ctx(text)
    names = ImportBindings()
    names.collect(ctx.module)
    adder = ImportAdder(ctx, names)
    calls = [n for n in _walk(ctx.module) if isinstance(n, cst.Call)]
    first = adder.reference("keras.optimizers.schedules.InverseTimeDecay", 3)
    second = adder.reference("keras.optimizers.schedules.InverseTimeDecay", 4)
    assert first == second == "InverseTimeDecay"
    fixes = [Fix("", [replace(ctx, c.func, first)]) for c in calls]
    fixes[0].edits.append(adder.import_edit())
    assert apply_to_text(text, fixes) == (
        "import os\nfrom keras.optimizers.schedules import InverseTimeDecay\n\n"
        "x = InverseTimeDecay(1)\ny = InverseTimeDecay(2)\n"
    )


def test_import_adder_uses_an_existing_import_that_reaches_the_name():
    text = "import tensorflow as tf\n\nx = 1\n"
    ctx = _ctx(text)
    names = ImportBindings()
    names.collect(ctx.module)
    adder = ImportAdder(ctx, names)
    assert adder.reference("tensorflow.keras.layers.Dense", 3) == "tf.keras.layers.Dense"
    assert adder.import_edit() is None
