"""Jupyter notebooks as Python programs: notebook bytes -> (program text, CellMap) and back.

A notebook's code cells, in order, are one program (a name defined in cell 2 is
known in cell 5), exactly as "Run All" executes them.  This module turns the
notebook into that program's text so every engine and rule works on it
unchanged, and maps positions back:

- **Cells are numbered** the way Jupyter shows them to people who count: code
  cells only, from 1 (markdown and raw cells are not counted).  Positions
  inside a cell are 1-based lines and columns of that cell's source.
- **IPython syntax is masked line by line** (``%magic``, ``!shell``, ``?obj``,
  ``obj?``, ``x = !ls``...) with a placeholder on the same line, so every
  other line of the cell keeps its line and column.  A cell magic whose body
  is Python (``%%time``, ``%%capture``...) masks only its first line; any
  other cell magic (``%%bash``, ``%%writefile``...) masks the whole cell.
  ``%time stmt`` keeps ``stmt`` analysed.  ``get_ipython()`` is plain Python.
- **A cell that is not valid Python** (a half-written cell left in the
  notebook) does not hide the others: like Jupyter, which compiles each cell
  on its own, it is reported (KG900 at its cell and line) and left out.
- **Outputs are never looked at**; the JSON is parsed with the standard
  library (no nbformat at run time).

Fixes go the other way (:func:`replace_sources`): new cell sources are written
into the original bytes, replacing only those cells' ``source`` values, so
outputs, metadata, execution counts, key order, indentation and the trailing
newline stay byte-for-byte, and the list-of-lines or string form is kept.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional

if TYPE_CHECKING:
    from kgraphlint.findings import Finding

NOTEBOOK_SUFFIX = ".ipynb"
SUPPORTED_MAJOR = 4
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COMPILE_FLAGS = ast.PyCF_ONLY_AST | getattr(ast, "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0)

# Cell magics whose body is Python that IPython runs: only the magic line is masked.
PYTHON_BODY_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "memit", "px", "autopx", "skip_if_no_gpu"}
)
# Line magics whose argument is a Python statement: ``%time h = model.fit(...)``.
PYTHON_ARG_LINE_MAGICS = frozenset({"time", "timeit", "prun", "memit"})

_LINE_MAGIC = re.compile(r"^(?P<indent>\s*)%(?!%)(?P<name>\w+)?")
_PYTHON_ARG_MAGIC = re.compile(r"^(?P<indent>\s*)(?P<prefix>%(?P<name>\w+)(?:\s+-\S+(?:\s+(?!-)\S+)?)*\s+)(?P<stmt>\S.*)$")
_SHELL = re.compile(r"^(?P<indent>\s*)!")
_HELP_PREFIX = re.compile(r"^(?P<indent>\s*)\?")
_HELP_SUFFIX = re.compile(r"^(?P<indent>\s*)%{0,2}[A-Za-z_*][\w*.\[\]()'\"]*\?{1,2}\s*$")
_AUTOCALL = re.compile(r"^(?P<indent>\s*)[/,;]")
_ASSIGN_FROM = re.compile(r"^(?P<indent>\s*)(?P<target>[\w.,\s()\[\]*]+?)\s*=\s*(?:!|%(?!%)\w)")
_CELL_MAGIC = re.compile(r"^\s*%%(?P<name>\w+)")


class NotebookError(Exception):
    """The bytes are not a notebook we can read; ``line``/``column`` are in the file."""

    def __init__(self, message: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


def is_notebook(path: str) -> bool:
    return path.lower().endswith(NOTEBOOK_SUFFIX)


@dataclass
class CodeCell:
    number: int  # 1-based among code cells: what reports show
    index: int  # position in the notebook's ``cells`` list (markdown included)
    source: str  # as stored (joined when stored as a list of lines)
    masked: str  # the Python text the engines see: same number of lines
    start: int = 1  # program line of the cell's first line
    line_count: int = 0
    syntax_error: Optional[tuple[str, int, int]] = None  # (message, line, column) in the cell
    left_out: bool = False  # not part of the program (a syntax error, or top-level await)


@dataclass
class CellMap:
    """Program lines <-> (cell number, line in cell)."""

    cells: list[CodeCell] = field(default_factory=list)

    def locate(self, program_line: int) -> Optional[tuple[int, int]]:
        """(cell number, line in the cell) of a program line; None outside every cell."""
        lo, hi = 0, len(self.cells) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            cell = self.cells[mid]
            if program_line < cell.start:
                hi = mid - 1
            elif program_line >= cell.start + cell.line_count:
                lo = mid + 1
            else:
                return cell.number, program_line - cell.start + 1
        return None

    def program_line(self, number: int, line: int) -> Optional[int]:
        cell = self.cell(number)
        if cell is None or not 1 <= line <= max(cell.line_count, 1):
            return None
        return cell.start + line - 1

    def cell(self, number: int) -> Optional[CodeCell]:
        if 1 <= number <= len(self.cells) and self.cells[number - 1].number == number:
            return self.cells[number - 1]
        return None


@dataclass
class Notebook:
    program: str  # every code cell's masked text, in order: one Python module
    cells: CellMap
    language: str = "python"
    # Identifiers of cells left out for syntax errors: a finding about one of
    # them may be an artefact of the missing cell.
    dropped_names: frozenset[str] = frozenset()

    def cell_lines(self, number: int) -> Optional[list[str]]:
        cell = self.cells.cell(number)
        return None if cell is None else _LINE_BREAK.split(cell.source)


# --------------------------------------------------------------------------
# Reading


def decode_notebook(data: bytes) -> str:
    """Notebook bytes -> text (JSON files are UTF-8; a BOM is tolerated)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NotebookError(
            f"not a notebook: invalid UTF-8 byte 0x{data[exc.start]:02x} (binary file?)", line, column
        ) from None


def load_json(data: bytes) -> dict:
    """The notebook's JSON object, checked for what this module relies on."""
    text = decode_notebook(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not a notebook: invalid JSON ({exc.msg})", exc.lineno, exc.colno) from None
    except RecursionError:
        raise NotebookError("not a notebook: the JSON is nested too deeply") from None
    if not isinstance(document, dict):
        raise NotebookError(f"not a notebook: the JSON is {_kind(document)}, not an object", 1, 1)
    major = document.get("nbformat")
    if major is None:
        raise NotebookError("not a notebook: no `nbformat` version", 1, 1)
    if not isinstance(major, int) or isinstance(major, bool):
        raise NotebookError(f"not a notebook: `nbformat` is {_kind(major)}, not a version number", 1, 1)
    if major != SUPPORTED_MAJOR:
        hint = " (convert it with `jupyter nbconvert --to notebook --nbformat 4`)" if major < SUPPORTED_MAJOR else ""
        raise NotebookError(f"unsupported notebook format {major}: only nbformat 4 is supported{hint}", 1, 1)
    cells = document.get("cells")
    if not isinstance(cells, list):
        what = "no `cells` list" if cells is None else f"`cells` is {_kind(cells)}, not a list"
        raise NotebookError(f"not a notebook: {what}", 1, 1)
    for position, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"not a notebook: cell {position} of the file is {_kind(cell)}, not an object", 1, 1)
        if not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"not a notebook: cell {position} of the file has no `cell_type`", 1, 1)
        source = cell.get("source", "")
        if not isinstance(source, str) and not (
            isinstance(source, list) and all(isinstance(part, str) for part in source)
        ):
            raise NotebookError(
                f"not a notebook: the source of cell {position} of the file is {_kind(source)}, "
                "not a string or a list of strings",
                1,
                1,
            )
    return document


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def language_of(document: dict) -> str:
    """The notebook's kernel language, lower case ("python" when it does not say)."""
    metadata = document.get("metadata")
    if isinstance(metadata, dict):
        for key in ("language_info", "kernelspec"):
            info = metadata.get(key)
            if isinstance(info, dict):
                name = info.get("name" if key == "language_info" else "language")
                if isinstance(name, str) and name.strip():
                    return name.strip().lower()
    return "python"


def read_notebook(data: bytes) -> Notebook:
    """Parse a notebook into its Python program.  Raises NotebookError."""
    document = load_json(data)
    language = language_of(document)
    cell_map = CellMap()
    parts: list[str] = []
    dropped: set[str] = set()
    next_line = 1
    number = 0
    for index, raw in enumerate(document["cells"]):
        if raw.get("cell_type") != "code":
            continue
        number += 1
        source = raw.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        masked = mask_cell(source)
        lines = _LINE_BREAK.split(masked)
        if lines and lines[-1] == "":
            lines.pop()
        if parts and _FUTURE_IMPORT.search(masked):
            # Only the program's first statements may import from __future__;
            # a later cell's is valid in Jupyter (each cell compiles alone).
            masked = _FUTURE_IMPORT.sub(lambda m: m.group(1) + "pass", masked)
            lines = _LINE_BREAK.split(masked)[: len(lines)]
        cell = CodeCell(number, index, source, masked, start=next_line, line_count=len(lines))
        error = _syntax_error(masked)
        if error is not None or _uses_top_level_await(masked):
            # A broken cell is reported (KG900); one that awaits at top level is
            # valid IPython but no module can hold it: both are left out.
            cell.syntax_error = error
            cell.left_out = True
            dropped.update(re.findall(r"[A-Za-z_]\w*", source))
            lines = [""] * len(lines)
        cell_map.cells.append(cell)
        next_line += len(lines)
        if lines:
            parts.append("\n".join(lines) + "\n")
    return Notebook("".join(parts), cell_map, language, frozenset(dropped))


_FUTURE_IMPORT = re.compile(r"^([ \t]*)from[ \t]+__future__[ \t]+import\b[^\n]*$", re.M)


def _uses_top_level_await(text: str) -> bool:
    if "await" not in text and "async" not in text:
        return False
    try:
        # To bytecode: "'await' outside function" is found by the compiler, not the parser.
        compile(text, "<cell>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # valid only with top-level await (checked with it before)
    return False


def _syntax_error(text: str) -> Optional[tuple[str, int, int]]:
    if not text.strip():
        return None
    try:
        compile(text, "<cell>", "exec", flags=_COMPILE_FLAGS, dont_inherit=True)
    except SyntaxError as exc:
        return (f"syntax error: {exc.msg}", exc.lineno or 1, exc.offset if exc.offset and exc.offset > 0 else 1)
    except (ValueError, RecursionError, MemoryError) as exc:
        return (f"syntax error: {exc}" if str(exc) else "syntax error", 1, 1)
    return None


# --------------------------------------------------------------------------
# IPython syntax


def mask_cell(source: str) -> str:
    """The cell's Python: IPython-only lines replaced, line count unchanged."""
    lines = _LINE_BREAK.split(source)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        m = _CELL_MAGIC.match(lines[first])
        if m:
            if m.group("name") not in PYTHON_BODY_CELL_MAGICS:
                return "\n".join("" for _ in lines)  # %%bash, %%writefile...: not Python
            lines[first] = ""
    starts = _logical_line_starts("\n".join(lines))
    out = list(lines)
    continued = False
    for number, line in enumerate(lines, start=1):
        if continued:
            out[number - 1] = ""
            continued = line.rstrip().endswith("\\")
            continue
        if starts is not None and number not in starts:
            continue
        replacement = _mask_line(line)
        if replacement is not None:
            out[number - 1] = replacement
            continued = line.rstrip().endswith("\\")
    return "\n".join(out)


def _mask_line(line: str) -> Optional[str]:
    """The placeholder for one IPython-only line, or None when it is Python."""
    stripped = line.lstrip()
    if not stripped or stripped.startswith("#"):
        return None
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("%"):
        m = _PYTHON_ARG_MAGIC.match(line)
        if m and m.group("name") in PYTHON_ARG_LINE_MAGICS and not line.rstrip().endswith("\\"):
            # ``%time h = model.fit(...)``: keep the statement where it is
            # ("if 1:" padded to the magic's width keeps its columns).
            prefix = m.group("prefix")
            if len(prefix) >= 5:
                candidate = indent + "if 1:" + " " * (len(prefix) - 5) + m.group("stmt")
                if _syntax_error(candidate.strip()) is None:
                    return candidate
        return indent + "pass"
    if _SHELL.match(line) or _HELP_PREFIX.match(line) or _AUTOCALL.match(line):
        return indent + "pass"
    if _HELP_SUFFIX.match(line):
        return indent + "pass"
    m = _ASSIGN_FROM.match(line)
    if m and "==" not in line[: m.end()] and "!=" not in line[: m.end()]:
        # ``files = !ls``: the name exists afterwards; its value is unknown.
        return f"{indent}{m.group('target').strip()} = []"
    return None


def _logical_line_starts(text: str) -> Optional[set[int]]:
    """Lines where a logical line begins (not inside a string or brackets).

    IPython only transforms escapes at the start of a logical line; None when
    the text cannot be tokenized (then every line is a candidate).
    """
    starts: set[int] = set()
    depth = 0
    at_start = True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind in (tokenize.NL, tokenize.NEWLINE):
                if depth == 0:
                    at_start = True
                continue
            if kind in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            if at_start and depth == 0:
                starts.add(tok.start[0])
                at_start = False
            if kind == tokenize.OP:
                if tok.string in "([{":
                    depth += 1
                elif tok.string in ")]}":
                    depth = max(depth - 1, 0)
            elif kind == tokenize.ERRORTOKEN and tok.string.strip() in ("'", '"'):
                # An unterminated quote (``!echo it's``) ends with its line.
                pass
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return starts


# --------------------------------------------------------------------------
# Writing cell sources back


@dataclass
class _SourceSpan:
    """Where one cell's ``source`` value sits in the notebook text."""

    start: int
    end: int
    is_list: bool
    parts: list[tuple[int, int]]  # raw string tokens of the list elements (or the string)


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip_ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _value_end(text: str, i: int) -> int:
    try:
        return _DECODER.raw_decode(text, i)[1]
    except (json.JSONDecodeError, StopIteration, RecursionError):
        raise NotebookError("cannot locate the cell sources in the notebook text") from None


def _expect(text: str, i: int, char: str) -> int:
    if i >= len(text) or text[i] != char:
        raise NotebookError("cannot locate the cell sources in the notebook text")
    return i + 1


def _object_members(text: str, i: int) -> Iterable[tuple[str, int, int]]:
    """(key, value start, value end) of the object starting at ``text[i]``; last is the end."""
    i = _expect(text, _skip_ws(text, i), "{")
    i = _skip_ws(text, i)
    if text.startswith("}", i):
        yield ("", i + 1, i + 1)
        return
    while True:
        i = _expect(text, i, '"')
        key, i = json.decoder.scanstring(text, i)  # type: ignore[attr-defined]
        i = _expect(text, _skip_ws(text, i), ":")
        start = _skip_ws(text, i)
        end = _value_end(text, start)
        yield (key, start, end)
        i = _skip_ws(text, end)
        if text.startswith(",", i):
            i = _skip_ws(text, i + 1)
            continue
        i = _expect(text, i, "}")
        yield ("", i, i)
        return


def _array_items(text: str, i: int) -> list[tuple[int, int]]:
    i = _expect(text, i, "[")
    items: list[tuple[int, int]] = []
    i = _skip_ws(text, i)
    if text.startswith("]", i):
        return items
    while True:
        end = _value_end(text, i)
        items.append((i, end))
        i = _skip_ws(text, end)
        if text.startswith(",", i):
            i = _skip_ws(text, i + 1)
            continue
        _expect(text, i, "]")
        return items


def _source_spans(text: str) -> dict[int, _SourceSpan]:
    """Cell index -> where its ``source`` value is (the last one, as json.loads keeps)."""
    cells_at: Optional[tuple[int, int]] = None
    for key, start, end in _object_members(text, 0):
        if key == "cells":
            cells_at = (start, end)
    if cells_at is None:
        raise NotebookError("cannot locate the cell sources in the notebook text")
    spans: dict[int, _SourceSpan] = {}
    for index, (cell_start, _) in enumerate(_array_items(text, cells_at[0])):
        for key, start, end in _object_members(text, cell_start):
            if key != "source":
                continue
            if text.startswith("[", start):
                spans[index] = _SourceSpan(start, end, True, _array_items(text, start))
            else:
                spans[index] = _SourceSpan(start, end, False, [(start, end)])
    return spans


def _split_source_lines(source: str) -> list[str]:
    """nbformat's list form: each line keeps its line break, the last may have none."""
    parts = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", source)
    return parts


def _encode_value(source: str, span: _SourceSpan, text: str) -> str:
    raw = text[span.start : span.end]
    ascii_only = "\\u" in raw and raw.isascii() and not source.isascii()
    if not span.is_list:
        return json.dumps(source, ensure_ascii=ascii_only)
    # Reuse the original tokens of unchanged lines, and the original layout.
    known: dict[str, str] = {}
    for start, end in span.parts:
        known.setdefault(json.loads(text[start:end]), text[start:end])
    tokens = [known.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in _split_source_lines(source)]
    if span.parts:
        opening = text[span.start + 1 : span.parts[0][0]]
        closing = text[span.parts[-1][1] : span.end - 1]
        separator = text[span.parts[0][1] : span.parts[1][0]] if len(span.parts) > 1 else "," + opening
    else:
        opening, closing, separator = "\n", "\n", ",\n"
    if not tokens:
        return "[]"
    return "[" + opening + separator.join(tokens) + closing + "]"


def replace_sources(data: bytes, new_sources: dict[int, str]) -> bytes:
    """The notebook bytes with the code cells' sources (by cell number) replaced.

    Everything outside those ``source`` values is kept byte for byte.  Raises
    NotebookError when the notebook cannot be read.
    """
    document = load_json(data)
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = decode_notebook(data)
    index_of: dict[int, int] = {}
    number = 0
    for index, cell in enumerate(document["cells"]):
        if cell.get("cell_type") == "code":
            number += 1
            index_of[number] = index
    spans = _source_spans(text)
    edits: list[tuple[int, int, str]] = []
    for cell_number, source in new_sources.items():
        where = index_of.get(cell_number)
        if where is None or where not in spans:
            raise NotebookError(f"cannot locate the source of cell {cell_number} in the notebook text")
        span = spans[where]
        edits.append((span.start, span.end, _encode_value(source, span, text)))
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    return bom + text.encode("utf-8")


# --------------------------------------------------------------------------
# Positions in the notebook file itself (SARIF regions, GitHub annotations)


class FilePositions:
    """Cell positions -> (line, column) in the notebook's JSON text.

    Code-scanning viewers and pull-request annotations show the lines of the
    file itself; for a notebook in nbformat's usual layout (one source line
    per JSON line) that is the very line of code, inside its JSON string.
    """

    def __init__(self, data: bytes) -> None:
        document = load_json(data)
        self._text = decode_notebook(data)
        self._spans = _source_spans(self._text)
        self._index_of: dict[int, int] = {}
        number = 0
        for index, cell in enumerate(document["cells"]):
            if cell.get("cell_type") == "code":
                number += 1
                self._index_of[number] = index
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", self._text)]

    def position(self, cell: int, line: int, column: int) -> Optional[tuple[int, int]]:
        """1-based (line, column) in the file of a 1-based cell position."""
        index = self._index_of.get(cell)
        span = self._spans.get(index) if index is not None else None
        if span is None:
            return None
        # Character offset of (line, column) in the cell's source.
        offset = 0
        current = 1
        pieces = [json.loads(self._text[s:e]) for s, e in span.parts]
        source = "".join(pieces)
        for m in _LINE_BREAK.finditer(source):
            if current == line:
                break
            offset = m.end()
            current += 1
        if current != line:
            return None
        offset += max(column - 1, 0)
        # Which raw token holds that character, and where inside it.
        for (start, _end), piece in zip(span.parts, pieces):
            if offset <= len(piece):
                raw_offset = _raw_offset(self._text, start + 1, offset)
                return self._line_col(raw_offset)
            offset -= len(piece)
        return None

    def _line_col(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self._line_starts[lo] + 1


def _raw_offset(text: str, i: int, chars: int) -> int:
    """Offset in ``text`` of the ``chars``-th decoded character of the JSON string body at ``i``."""
    while chars > 0 and i < len(text) and text[i] != '"':
        if text[i] == "\\":
            i += 6 if text.startswith("u", i + 1) else 2
        else:
            i += 1
        chars -= 1
    return i


# --------------------------------------------------------------------------
# Findings: program positions -> cell positions


def is_python_language(language: str) -> bool:
    return "python" in language or language in ("py", "ipython")


def to_cells(findings: Iterable["Finding"], notebook_path: str, cells: CellMap) -> list["Finding"]:
    """Rewrite positions of ``notebook_path`` from program lines to (cell, line).

    Positions in other files (a trace site in a helper module) are left
    alone; their related locations in the notebook are rewritten.
    A span that would end in another cell (it cannot, for a statement) is cut
    at the end of its first line.
    """
    out = []
    for f in findings:
        if f.path == notebook_path and f.cell is None:
            f.message = _cell_line_words(f.message, cells)
            f.hint = _cell_line_words(f.hint, cells)
            where = cells.locate(f.line)
            if where is not None:
                f.cell, f.line = where
                end = cells.locate(f.end_line)
                if end is not None and end[0] == f.cell:
                    f.end_line = end[1]
                else:
                    f.end_line, f.end_column = f.line, f.column + 1
            if f.fix is not None:
                for e in f.fix.edits:
                    start, stop = cells.locate(e.line), cells.locate(e.end_line)
                    if e.cell is None and start is not None and stop is not None and start[0] == stop[0]:
                        e.cell, e.line, e.end_line = start[0], start[1], stop[1]
                    elif e.cell is None:
                        f.fix = None  # an edit across cells: not applied
                        break
        # Related locations in the notebook, also of a finding in a helper
        # module (the notebook's call that reached it).
        for r in f.related:
            if r.path == notebook_path and r.cell is None:
                r.message = _cell_line_words(r.message, cells)
                found = cells.locate(r.line)
                if found is not None:
                    r.cell, r.line = found
        out.append(f)
    return out


_LINE_WORDS = re.compile(r"\bline (\d+)\b")


def _cell_line_words(text: str, cells: CellMap) -> str:
    """"fitted (line 21)" -> "fitted (cell 5, line 2)": messages name program lines too."""
    if "line " not in text:
        return text

    def replace(m: "re.Match[str]") -> str:
        where = cells.locate(int(m.group(1)))
        return m.group(0) if where is None else f"cell {where[0]}, line {where[1]}"

    return _LINE_WORDS.sub(replace, text)


# Rules whose finding says that something is *not* done (an input unused, a
# layer never called, no compile() in between...): a cell left out for a
# syntax error may be where it is done.
ABSENCE_RULES = ("KG102", "KG103", "KG203", "KG302", "KG501")


def may_be_in_dropped_cell(finding: "Finding", names: frozenset[str]) -> bool:
    """Could a left-out cell be what the finding says is missing?

    True for an absence rule whose subject (the first name in backticks of
    its message) is an identifier the left-out cells use.
    """
    if not names or finding.code not in ABSENCE_RULES:
        return False
    subject = re.search(r"`([^`]+)`", finding.message)
    return subject is not None and any(part in names for part in re.findall(r"[A-Za-z_]\w*", subject.group(1)))
