"""A large module parsed in pieces is exactly the module a whole-file parse gives.

``kgraphlint.static.chunked_parse`` splits big files for linear parse time and
memory.  Every test here compares against ``libcst.parse_module`` of the
whole text: the same tree (``deep_equals``, which compares every whitespace
and comment node), hence the same generated code and the same positions, and
the same findings (with their fixes) through the real pipeline.  Small piece
sizes make the small test programs split at nearly every seam.
"""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest

import kgraphlint.static.chunked_parse as chunked
from kgraphlint.lint import lint_source
from kgraphlint.static.parse import ParseFailure, parse_source, parse_text

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1, 2, 3, 7)


def assert_same_as_whole(text: str, sizes=SIZES, must_split: bool = True) -> None:
    whole = cst.parse_module(text)
    for size in sizes:
        pieces = chunked.parse_in_pieces(text, size)
        if pieces is None:
            assert not must_split, f"not split with pieces of {size} lines"
            continue
        assert pieces.code == whole.code
        assert pieces.deep_equals(whole), f"tree differs with pieces of {size} lines"


def indented(block: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line for line in block.splitlines(keepends=True))


BODY = """\
x = layers.Dense(8)(inputs)
x = layers.Dropout(0.1)(x)
# a comment between statements
y = layers.Dense(4,
    activation="relu")(x)

z = layers.Add()([x, y])
"""

SCRIPT = '''\
"""A training script."""
import keras
from keras import layers


@keras.saving.register_keras_serializable()
def block(x, filters):
    x = layers.Conv2D(filters, 3)(x)
    x = layers.ReLU()(x)
    return x
@decorator(
    "multi-line",
)
def other():
    pass
inputs = keras.Input((32, 32, 3))
x = block(inputs, 8)
  # an indented comment at top level
x = block(x, 16)
class Head(layers.Layer):
    def call(self, x):
        return x
    # the end of the class
outputs = layers.Dense(10)(layers.Flatten()(x))
model = keras.Model(inputs, outputs)


if __name__ == "__main__":
    model.compile("adam", "mse")
    data = load()
    model.fit(data, epochs=1)
    model.save("model.keras")
'''


def test_a_script_is_split_into_the_same_tree():
    assert_same_as_whole(SCRIPT)


def test_the_body_of_a_big_function_is_split_into_the_same_tree():
    text = "import keras\nfrom keras import layers\n\n\ndef build_model(inputs):\n"
    text += indented(BODY * 5, "    ") + "    return keras.Model(inputs, z)\n\n\nmodel = build_model(None)\n"
    assert_same_as_whole(text)


def test_a_method_body_two_levels_deep_is_split_into_the_same_tree():
    text = "class Builder:\n    def build(self, inputs):\n"
    text += indented(BODY * 4, "        ") + "        return z\n\n    # after the method\n\n# the end\n"
    assert_same_as_whole(text)


def test_main_block_is_split_into_the_same_tree():
    text = 'import keras\nif __name__ == "__main__":\n' + indented(BODY * 5, "    ")
    assert_same_as_whole(text)


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.replace("\n", "\r\n"),  # CRLF
        lambda t: t.rstrip("\n"),  # no final newline
        lambda t: t.replace("\n\n\n", "\n\x0c\n\n"),  # a form feed between definitions
        lambda t: t.replace("    ", "\t"),  # tab indentation
        lambda t: "# -*- coding: utf-8 -*-\n" + t,  # a coding cookie
    ],
    ids=["crlf", "no-final-newline", "form-feed", "tabs", "cookie"],
)
def test_line_ending_and_layout_variants(variant):
    text = variant(SCRIPT + "def build_model(inputs):\n" + indented(BODY * 4, "    ") + "    return z\n")
    assert_same_as_whole(text)


def test_bom_and_latin_1_cookie_files_decode_then_split(monkeypatch):
    body = SCRIPT + indented("", "") + 'name = "caf\u00e9"\n' + BODY * 3
    files = [
        b"\xef\xbb\xbf" + body.encode("utf-8"),
        b"# -*- coding: latin-1 -*-\n" + body.encode("latin-1"),
    ]
    monkeypatch.setattr(chunked, "CHUNK_LINES", 3)
    for data in files:
        text, module = parse_source(data)
        assert "caf\u00e9" in text
        assert chunked.parse_in_pieces(text) is not None
        assert module.deep_equals(cst.parse_module(text))


def test_mixed_line_endings_fall_back_to_a_whole_parse():
    text = SCRIPT + BODY.replace("\n", "\r\n") * 3
    for size in SIZES:
        pieces = chunked.parse_in_pieces(text, size)
        assert pieces is None or pieces.deep_equals(cst.parse_module(text))
    assert parse_text(text).code == text


def test_strings_and_brackets_spanning_seams_are_never_cut():
    text = 'DOC = """\nx = 1\n# not a comment\ny = 2\n"""\nz = [\n1,\n2,\n]\nw = 1 + \\\n  2\n' * 4
    assert_same_as_whole(text)


def test_statements_with_else_clauses_keep_them():
    text = (
        "for i in range(3):\n" + indented(BODY * 2, "    ") + "else:\n    done = True\n"
        "try:\n" + indented(BODY * 2, "    ") + "except ValueError:\n    pass\nfinally:\n    end()\n"
        "if a:\n" + indented(BODY * 2, "    ") + "elif b:\n    pass\nelse:\n" + indented(BODY, "    ")
    )
    assert_same_as_whole(text)


def test_a_large_syntax_error_is_reported_as_by_a_whole_parse(monkeypatch):
    text = SCRIPT * 3 + "x = (\n" + BODY * 3
    monkeypatch.setattr(chunked, "CHUNK_LINES", 3)
    with pytest.raises(ParseFailure) as in_pieces:
        parse_text(text, "broken.py")
    monkeypatch.setattr(chunked, "parse_in_pieces", lambda text: None)
    with pytest.raises(ParseFailure) as whole:
        parse_text(text, "broken.py")
    assert (in_pieces.value.message, in_pieces.value.line, in_pieces.value.column) == (
        whole.value.message,
        whole.value.line,
        whole.value.column,
    )


def test_a_file_of_default_size_is_parsed_in_pieces():
    text = "import keras\nfrom keras import layers\n\ndef build():\n" + indented(BODY * 250, "    ")
    assert text.count("\n") > 2 * chunked.CHUNK_LINES
    pieces = chunked.parse_in_pieces(text)
    assert pieces is not None and pieces.deep_equals(cst.parse_module(text))
    assert chunked.parse_in_pieces(SCRIPT) is None  # small: parsed whole


FRAGMENTS = [
    "x = 1\n", "y = f(x)\n", "\n", "# c0\n", "  # c2\n", "    # c4\n", "        # c8\n", "        \n",
    "    \n", "\x0c\n", "if x:\n    a = 1\n", "if x:\n    a = 1\n    # tail\n", "if x:\n    a = 1\n        # deep\n",
    "def g():\n    return 1\n", "@dec\ndef h():\n    pass\n", "@dec(\n    1,\n)\ndef h():\n    pass\n",
    "s = '''\nx = 1\n# no\n'''\n", "z = (\n1,\n2)\n", "w = 1 + \\\n  2\n", "for i in r:\n    pass\nelse:\n    pass\n",
    "try:\n    pass\nexcept E:\n    pass\n", "class K:\n    a = 1\n\n    def m(self):\n        return 2\n",
    "while x:\n    x -= 1\n", "with c as d:\n    e = d\n", "if a: b = 1\nelse: b = 2\n",
    "match p:\n    case 1:\n        q = 2\n", "async def co():\n    await z\n", "x = 1; y = 2\n",
]


def test_random_programs_split_into_the_same_tree():
    rng = random.Random(13)
    split = 0
    for trial in range(120):
        body = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(5, 30)))
        kind = trial % 3
        if kind == 1:
            body = "def build():\n" + indented("v = 0\n" + body, "    ") + "x = 2\n"
        elif kind == 2:
            body = "class A:\n    def build(self):\n" + indented("v = 0\n" + body, "        ") + "\n# end\n"
        if trial % 5 == 0:
            body = body.replace("\n", "\r\n")
        if trial % 7 == 0:
            body = body.rstrip("\r\n")
        whole = cst.parse_module(body)
        for size in (1, 3):
            pieces = chunked.parse_in_pieces(body, size)
            if pieces is not None:
                split += 1
                assert pieces.code == whole.code and pieces.deep_equals(whole), repr(body)
    assert split > 200


def _corpus(*parts: str) -> list[Path]:
    return sorted(ROOT.joinpath(*parts).rglob("*.py"))


def _split_like_whole(paths: list[Path], sizes: tuple[int, ...]) -> None:
    for path in paths:
        try:
            text, whole = parse_source(path.read_bytes())
        except ParseFailure:
            continue
        for size in sizes:
            pieces = chunked.parse_in_pieces(text, size)
            if pieces is not None:
                assert pieces.deep_equals(whole), f"{path} with pieces of {size} lines"


def test_realistic_programs_split_into_the_same_tree():
    _split_like_whole(_corpus("fixtures", "bugs"), (3,))


@pytest.mark.slow
def test_fixtures_and_corpus_split_into_the_same_tree():
    _split_like_whole(_corpus("fixtures") + _corpus("tests", "corpus"), (2, 11))


def _findings(paths: list[Path]) -> dict[Path, list[dict]]:
    return {p: [f.to_dict() for f in lint_source(str(p), p.read_bytes())[0]] for p in paths}


def _same_findings(paths: list[Path], monkeypatch) -> None:
    assert paths
    monkeypatch.setattr(chunked, "CHUNK_LINES", 3)
    in_pieces = _findings(paths)
    monkeypatch.setattr(chunked, "parse_in_pieces", lambda text: None)
    assert in_pieces == _findings(paths)
    assert any(in_pieces.values())


def test_same_findings_and_fixes_as_a_whole_parse(monkeypatch):
    _same_findings(_corpus("fixtures", "bugs"), monkeypatch)


@pytest.mark.slow
def test_same_findings_on_the_corpus_as_a_whole_parse(monkeypatch):
    _same_findings(_corpus("tests", "corpus"), monkeypatch)
