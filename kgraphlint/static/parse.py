"""Bytes on disk -> (text, libcst module), or a ParseFailure that says where and why.

Decoding follows Python itself (PEP 263 coding cookie, UTF-8 BOM, UTF-8 default) so
line and column numbers match what the interpreter and editors show.
"""

from __future__ import annotations

import codecs
import gc
import io
import re
import tokenize
import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:
    import libcst as cst


class ParseFailure(Exception):
    """The file is not valid (decodable) Python.  Positions are 1-based when known."""

    def __init__(self, message: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


class ParserLimit(ParseFailure):
    """Valid Python (CPython compiles it) that libcst cannot parse: not a KG900.

    The file is reported as not analysed, with this reason, instead of calling
    valid Python a parse error.
    """


# CPython reads source as bytes in a PEP 263 encoding, which can never be
# UTF-16/32: such a file fails with "source code cannot contain null bytes".
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _reject_wide_encodings(data: bytes) -> None:
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            raise ParseFailure(
                f"file is encoded as {name} (it starts with a {name} byte-order mark); "
                "Python cannot read it: save it as UTF-8",
                1,
                1,
            )


def detect_encoding(data: bytes) -> str:
    """The source encoding Python would use ("utf-8-sig" when there is a BOM)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding" in str(exc.msg):
            # Undecodable bytes in the first two lines: decoding as UTF-8 below
            # says which byte and where.
            return "utf-8"
        # An unknown codec in the cookie, or a BOM with a non-UTF-8 cookie.
        raise ParseFailure(f"cannot decode file: {exc.msg}", exc.lineno or 1, 1) from None
    return encoding


def decode_source(data: bytes) -> str:
    """Decode source bytes as Python would, or raise ParseFailure with the position."""
    _reject_wide_encodings(data)
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise ParseFailure(
            f"cannot decode file as {encoding}: invalid byte 0x{data[exc.start]:02x}",
            line,
            column,
        ) from None
    except LookupError:  # a codec tokenize knows but decode does not: be safe
        raise ParseFailure(f"cannot decode file: unknown encoding {encoding!r}", 1, 1) from None


def encode_source(text: str, original: bytes) -> bytes:
    """Encode fixed text back the way the original file was encoded (keeps a BOM)."""
    # tokenize reports "utf-8-sig" exactly when the file starts with a BOM, so
    # encoding with it writes the BOM back.
    return text.encode(detect_encoding(original))


def parse_source(data: bytes, path: str = "<unknown>") -> tuple[str, "cst.Module"]:
    """Decode and parse one file.  Raises ParseFailure for anything that is not Python."""
    text = _decode_checked(data)
    return text, parse_text(text, path)


def check_syntax(data: bytes, path: str = "<unknown>") -> str:
    """Decode and compile one file with CPython only (no libcst); returns the text.

    For files that never mention Keras: no rule but KG900 can fire on them, and
    CPython's parser costs about a tenth of libcst's.  Raises ParseFailure.
    """
    text = _decode_checked(data)
    compile_only(text, path)
    return text


def compile_only(text: str, path: str = "<unknown>") -> None:
    """CPython's verdict on decoded source (see :func:`check_syntax`); raises ParseFailure."""
    with collector_paused():
        _compile(text, path)


def check_bytes(data: bytes) -> None:
    """What makes bytes unreadable as Python before decoding (a UTF-16/32 mark,
    NUL bytes); raises ParseFailure.  Decoding itself is :func:`decode_source`."""
    _reject_wide_encodings(data)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(data, nul)
        raise ParseFailure("file contains NUL bytes (binary file?)", line, column)


def _decode_checked(data: bytes) -> str:
    check_bytes(data)
    return decode_source(data)


# libcst's native parser overflows its stack (a segfault that would kill the
# whole run) on about 1,000 nested brackets, 10,000-term expressions or a chain
# of 10,000 ``elif``s; CPython refuses all three much earlier (200 brackets,
# recursion limit).  Files that could come near those limits are first compiled
# by CPython, so only suspicious files pay for it.  Compiling costs ~10% of a
# libcst parse, and more in memory than that: the syntax tree it builds and
# frees just before libcst's raises glibc's mmap threshold, so libcst's own
# allocations then fragment the heap (+9% peak memory on a 20k-line file).
# So a large file is only compiled first when one of its logical lines (the
# physical lines a bracket or a backslash joins) is long enough for a
# 10,000-term expression, or when it has many ``elif``s; the indentation of
# nested blocks is limited to 100 levels by both parsers.
_PRECHECK_SIZE = 20 * 1024  # a 10,000-term expression needs at least 20 KiB
_PRECHECK_DEPTH = 100
_PRECHECK_LINE = 4000
_PRECHECK_ELIFS = 100
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
_DEPTH_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_BRACKET_OR_BREAK = re.compile(r"[()\[\]{}]|\\(?:\r\n|\r|\n)|\r\n|\r|\n")
_ELIF = re.compile(r"^[ \t]*elif\b", re.MULTILINE)


def _needs_precheck(text: str) -> bool:
    if len(text) > _PRECHECK_SIZE:
        return _large_needs_precheck(text)
    if max(map(len, text.splitlines()), default=0) > _PRECHECK_LINE:
        return True
    depth = peak = 0
    for char in _NOT_BRACKET.sub("", text):  # brackets in strings count too: conservative
        depth += _DEPTH_STEP[char]
        if depth > peak:
            peak = depth
    return peak > _PRECHECK_DEPTH


def _large_needs_precheck(text: str) -> bool:
    """:func:`_needs_precheck` for a file larger than ``_PRECHECK_SIZE``: one scan
    for the nesting depth and the longest physical and logical lines."""
    if len(_ELIF.findall(text)) > _PRECHECK_ELIFS:
        return True
    depth = peak = 0
    line_start = logical_start = 0
    longest_line = longest_logical = 0
    # Brackets in strings and comments count too: lines only look longer
    # and deeper than they are (conservative).
    for match in _BRACKET_OR_BREAK.finditer(text):
        token = match.group()
        step = _DEPTH_STEP.get(token)
        if step is not None:
            depth += step
            if depth > peak:
                peak = depth
            continue
        end = match.start()
        longest_line = max(longest_line, end - line_start)
        line_start = match.end()
        if depth <= 0 and token[0] != "\\":  # a line break that ends a logical line
            longest_logical = max(longest_logical, end - logical_start)
            logical_start = match.end()
    longest_line = max(longest_line, len(text) - line_start)
    longest_logical = max(longest_logical, len(text) - logical_start)
    return peak > _PRECHECK_DEPTH or longest_line > _PRECHECK_LINE or longest_logical > _PRECHECK_SIZE


def _compile(text: str, path: str) -> None:
    """CPython's verdict on ``text`` (AST only, no bytecode); raises ParseFailure."""
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are the user's business,
            # not lines on our stderr.
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as syn:
        column = syn.offset if syn.offset and syn.offset > 0 else 1
        raise ParseFailure(f"syntax error: {syn.msg}", syn.lineno or 1, column) from None
    except (RecursionError, MemoryError):
        raise ParseFailure("file is too deeply nested to parse") from None
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
        raise ParseFailure(f"syntax error: {exc}") from None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a syntax tree is built.

    A parse allocates a million objects and frees none of them, and no cycle
    among them becomes garbage; yet every collection the allocations trigger
    walks the growing tree again, which made parsing a 20k-line file cost
    13x a 2k-line one instead of 10x.  Collection resumes as soon as the tree
    is built.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def collector_frozen() -> Iterator[None]:
    """Every object alive now left out of the cyclic garbage collector's walks
    until the block ends (``gc.freeze``), and no full collection in the block,
    for the analysis of a parsed file.

    The syntax tree is most of the objects alive, and none of it becomes
    garbage while the engine and the rules run; yet each collection their
    allocations trigger would walk it again (the first ones all of it: a
    tree built with the collector paused is all young).  Frozen objects no
    longer count as long-lived, so the rule that spaces full collections out
    (one when the objects that survived since the last grow by a quarter)
    stops working, and a full collection would come every 70,000
    allocations and walk everything the analysis made so far: 7 on a
    20k-line file (0.6 s, 5% of its analysis), none on a 2k-line one.  Young
    collections still reclaim short-lived cycles; older garbage waits for
    the first full collection after the block (the added peak memory of a
    20k-line file is the same).  A host that froze objects itself (a pre-fork server)
    keeps them frozen: then this does nothing.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], _NO_FULL_COLLECTION)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


# Young collections between two full ones: more than an analysis ever makes.
_NO_FULL_COLLECTION = 1 << 30


def parse_text(text: str, path: str = "<unknown>") -> "cst.Module":
    import libcst as cst  # lazy: --version and byte-scan-only runs never pay for it

    from kgraphlint.static.chunked_parse import parse_in_pieces

    try:
        with collector_paused():
            if _needs_precheck(text):
                _compile(text, path)
            # A large file in pieces, for linear time and memory (None: small,
            # or not exactly splittable, or not valid Python: parsed whole).
            module = parse_in_pieces(text)
            return module if module is not None else cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        failure = _describe_syntax_error(text, path, exc)
    except RecursionError:
        raise ParseFailure("file is too deeply nested to parse") from None
    if not isinstance(failure, ParserLimit):
        raise failure
    # CPython compiled it: valid Python that libcst's tokenizer or parser
    # rejects.  The known case is indentation that mixes tabs and spaces in a
    # way CPython accepts ("\tif x:" then " \t a = 1") but libcst does not.
    # CPython only accepts a mix whose block structure is the same with tabs
    # counted as 8 columns and as 1, so spelling every indentation character
    # as one space keeps the structure and every line/column position.
    if "\t" in text:
        try:
            return cst.parse_module(_LEADING_TABS.sub(_spaces, text))
        except (cst.ParserSyntaxError, RecursionError):
            pass
    raise failure


_LEADING_TABS = re.compile(r"^[ \t]*\t[ \t]*", re.MULTILINE)


def _spaces(match: "re.Match[str]") -> str:
    return " " * len(match.group(0))


def _describe_syntax_error(text: str, path: str, exc: Exception) -> ParseFailure:
    # libcst's native parser often reports 1:1 and a long token list; CPython's
    # compiler gives the message users know ("'(' was never closed") at the right
    # place.  Only paid on the failure path.
    try:
        _compile(text, path)
    except ParseFailure as failure:
        if failure.message.startswith("syntax error: ") and failure.line:
            return failure
    else:
        first = str(getattr(exc, "message", exc)).strip().splitlines()[:1]
        return ParserLimit(
            "valid Python that kgraphlint's parser (libcst) cannot read"
            + (f" ({first[0]})" if first else "")
        )
    message = getattr(exc, "message", str(exc))
    m = re.search(r"error at (\d+):(\d+)", message)
    if m:
        return ParseFailure(f"syntax error: {message}", int(m.group(1)), int(m.group(2)) + 1)
    line = getattr(exc, "raw_line", None)
    column = getattr(exc, "raw_column", None)
    return ParseFailure(
        f"syntax error: {message}", line, column + 1 if isinstance(column, int) else None
    )


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, best effort) of a byte offset."""
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    line = len(re.findall(rb"\r\n|\r|\n", data[:line_start])) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column
