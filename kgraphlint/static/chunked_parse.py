"""Parse a large module in pieces of a few hundred lines and join them into the
one ``libcst.Module`` a whole-file parse gives.

Why: libcst's native parser keeps its tokens and two intermediate trees of the
whole input alive until it returns, about 28 KB per line against 2 KB for the
finished Python tree, and its time per line grows with the input (a 20k-line
file took 1.5x the time of ten 2k-line ones).  Pieces of bounded size make
both the time and the peak memory of a parse linear in the file's length.

How: a piece ends just before a line that starts a statement at the level
being split (a line at exactly that indentation, after a line of code), so no
comment or blank line sits at a seam and each statement's whitespace is the
one a whole-file parse stores.  Statements inside a block (the body of a
20,000-line ``def build_model():``) are parsed under ``if 1:`` headers that
give them the same enclosing indentation, and the big statement itself is
parsed with the first part of its body, then given the rest.

A wrong seam cannot go unnoticed: a piece that ends inside a string, a
bracket, a decorator or a backslash continuation, or before an ``else``, does
not parse, and the piece is merged with the next one.  What cannot be joined
exactly (mixed line endings or indentation styles, a statement whose body is
not its last block, comments left after a piece) gives up: the caller parses
the whole file as before, and gets the parser's own error for a broken one.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import libcst as cst

# Lines per piece; a file of fewer than twice as many is parsed whole.  The
# parse costs the same per line from ~100 lines up; a piece of 500 lines
# peaks at ~14 MB of parser state.
CHUNK_LINES = 500
# Attempts to move a seam that fell inside a string or a bracket before giving up.
_MERGES = 8

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_CLAUSE = re.compile(r"(?:else|elif|except|finally|case)\b")
_DEFINITION = re.compile(r"(?:@|def\b|class\b|async\b)")
# A line whose code cannot start a statement (the closing bracket of a
# multi-line call, a continued string) is never a seam.
_NOT_A_START = frozenset(" \t\x0c#)]}\r\n\\")
# Compound statements whose body is their last block: the rest of a big body
# can be appended to it.
_CONTINUABLE = (cst.FunctionDef, cst.ClassDef, cst.With, cst.For, cst.While, cst.If)


# Statements, and the footers of the piece they end with: the module's
# trailing lines, then each enclosing block's.
_Parsed = tuple[list[cst.BaseStatement], list[Sequence[cst.EmptyLine]]]


class _Mismatch(Exception):
    """The pieces cannot be joined into exactly the whole-file tree."""


def parse_in_pieces(text: str, chunk_lines: Optional[int] = None) -> Optional[cst.Module]:
    """The module a whole-file ``libcst.parse_module(text)`` gives, built from
    pieces of about ``chunk_lines`` lines (default ``CHUNK_LINES``); None when
    the file is small or cannot be split exactly (then the caller parses it
    whole).  Never raises for bad input."""
    chunk_lines = chunk_lines or CHUNK_LINES
    if text.count("\n") + text.count("\r") < 2 * chunk_lines - 1:
        return None  # small (a cheap upper bound of the line count)
    lines = _LINE.findall(text)
    if len(lines) < 2 * chunk_lines:
        return None
    try:
        return _Pieces(lines, chunk_lines).module()
    except (_Mismatch, cst.ParserSyntaxError, RecursionError):
        return None
    except Exception:  # a bug here must never cost the file: the whole parse is the reference
        return None


class _Pieces:
    def __init__(self, lines: list[str], chunk_lines: int) -> None:
        self.lines = lines
        self.chunk = chunk_lines
        self.newline: Optional[str] = None  # the module's default newline (its first line's)
        self.indent: Optional[str] = None  # the module's default indentation (its first block's)
        self.first: Optional[cst.Module] = None
        self.trailing_newline = True

    def module(self) -> cst.Module:
        body, footers = self.block(0, len(self.lines), [])
        first = self.first
        assert first is not None
        return first.with_changes(
            body=body,
            footer=footers[0],
            default_indent=self.indent or first.default_indent,
            default_newline=self.newline,
            has_trailing_newline=self.trailing_newline,
        )

    # -- seams ---------------------------------------------------------------

    def seam_before(self, j: int, indent: str) -> Optional[int]:
        """Where a piece may end if line ``j`` begins a statement of the block
        at ``indent`` (verified by parsing): before the blank and comment lines
        that lead to it, after a line of code; None when it cannot."""
        line = self.lines[j]
        if not line.startswith(indent) or len(line) <= len(indent) or line[len(indent)] in _NOT_A_START:
            return None
        if _CLAUSE.match(line, len(indent)):
            return None
        seam = j
        while seam > 1:
            above = self.lines[seam - 1]
            text = above.lstrip(" \t\x0c")
            if text.strip() and text[0] != "#":
                break  # a line of code
            if len(above) - len(text) > len(indent):
                # A comment or a whitespace line indented deeper than the block
                # may belong to the footer of a block that ends above: no seam.
                return None
            seam -= 1
        previous = self.lines[seam - 1].rstrip("\r\n")
        code = previous.lstrip(" \t\x0c")
        if not code or code[0] in "#@" or previous.endswith("\\"):
            return None  # the start of the file, a decorator or a continued line
        if seam == j and _DEFINITION.match(line, len(indent)):
            return None  # right after the closing bracket of a multi-line decorator?
        return seam

    def seams(self, start: int, end: int, indent: str) -> list[int]:
        """Piece boundaries in ``[start, end)``: every ~chunk lines, and around
        any statement longer than that, so that it is a piece of its own."""
        starts = [seam for j in range(start + 1, end) if (seam := self.seam_before(j, indent)) is not None]
        bounds = [start]
        last = start  # the line the statement being scanned starts on
        for j in starts + [end]:
            if j - last > self.chunk:  # the statement at `last` is big: a piece of its own
                if last > bounds[-1]:
                    bounds.append(last)
                bounds.append(j)
            elif j - bounds[-1] >= self.chunk:
                bounds.append(j)
            last = j
        if bounds[-1] != end:
            bounds.append(end)
        return bounds

    # -- blocks --------------------------------------------------------------

    def block(self, start: int, end: int, chain: list[str]) -> _Parsed:
        """The statements of lines ``[start, end)``, which belong to the block
        whose enclosing indentations are ``chain`` ([] for the module), and the
        footers of the last piece (the module's first, then each block's)."""
        bounds = self.seams(start, end, chain[-1] if chain else "")
        body: list[cst.BaseStatement] = []
        footers: list[Sequence[cst.EmptyLine]] = []
        i = 0
        while i < len(bounds) - 1:
            for merged in range(_MERGES + 1):
                j = min(i + 1 + merged, len(bounds) - 1)
                try:
                    statements, footers = self.piece(bounds[i], bounds[j], chain, big=j == i + 1)
                    break
                except cst.ParserSyntaxError:
                    if j == len(bounds) - 1 or merged == _MERGES:
                        raise
            if j < len(bounds) - 1 and any(footers):
                raise _Mismatch("comment lines before a seam")
            body.extend(statements)
            i = j
        return body, footers

    def piece(self, start: int, end: int, chain: list[str], big: bool) -> _Parsed:
        if big and end - start > 2 * self.chunk:
            split = self.split_statement(start, end, chain)
            if split is not None:
                return split
        return self.parse(start, end, chain)

    def split_statement(self, start: int, end: int, chain: list[str]) -> Optional[_Parsed]:
        """One big compound statement in ``[start, end)`` parsed as its header
        and the first part of its body, then the rest of the body by pieces;
        None when it is not a statement that can be continued that way."""
        indent = chain[-1] if chain else ""
        body_indent = self.body_indent(start, end, indent)
        if body_indent is None:
            return None
        first_end = next(
            (seam for j in range(start + self.chunk, end) if (seam := self.seam_before(j, body_indent)) is not None),
            None,
        )
        if first_end is None:
            return None
        try:
            statements, footers = self.parse(start, first_end, chain)
        except cst.ParserSyntaxError:
            return None
        if len(statements) != 1 or any(footers):
            return None
        node = statements[0]
        if not isinstance(node, _CONTINUABLE) or not isinstance(node.body, cst.IndentedBlock) or node.body.footer:
            return None
        if getattr(node, "orelse", None) is not None:
            return None
        assert self.indent is not None  # the piece just parsed has a block
        if indent + (node.body.indent if node.body.indent is not None else self.indent) != body_indent:
            return None
        if (chain[0] if chain else body_indent) != self.indent:
            return None  # the wrappers' default indentation would differ from the module's
        try:
            rest, footers = self.block(first_end, end, chain + [body_indent])
        except (_Mismatch, cst.ParserSyntaxError):
            return None
        block = node.body.with_changes(body=(*node.body.body, *rest), footer=footers[-1])
        return [node.with_changes(body=block)], footers[:-1]

    def body_indent(self, start: int, end: int, indent: str) -> Optional[str]:
        """The indentation of the first line of the body of the statement at
        ``start`` (the first deeper line of code after a line ending in ':')."""
        for j in range(start + 1, min(end, start + self.chunk)):
            line = self.lines[j]
            text = line.lstrip(" \t")
            if not text.strip() or text[0] == "#":
                continue
            previous = self.lines[j - 1].split("#", 1)[0].rstrip()
            depth = len(line) - len(text)
            if previous.endswith(":") and depth > len(indent) and line.startswith(indent):
                return line[:depth]
        return None

    # -- one piece -----------------------------------------------------------

    def parse(self, start: int, end: int, chain: list[str]) -> _Parsed:
        """Parse lines ``[start, end)`` as statements of the block ``chain``:
        under one ``if 1:`` header per enclosing block, each at that block's
        indentation, so the lines keep their own."""
        piece = "".join(self.lines[start:end])
        if chain:
            assert self.newline is not None
            headers = "".join((chain[k - 1] if k else "") + "if 1:" + self.newline for k in range(len(chain)))
            module = cst.parse_module(headers + piece)
        else:
            module = cst.parse_module(piece)
        if end == len(self.lines):
            self.trailing_newline = module.has_trailing_newline
        footers: list[Sequence[cst.EmptyLine]] = [module.footer]
        if not chain:
            if start == 0:  # (again, when a split of the first statement gave up)
                self.first = module
                self.newline = module.default_newline
            elif module.default_newline != self.newline:
                raise _Mismatch("a piece with other line endings")
            if any(map(_has_block, module.body)):
                if self.indent is None:
                    self.indent = module.default_indent
                elif module.default_indent != self.indent:
                    raise _Mismatch("a piece with another indentation")
            body: list[cst.BaseStatement] = list(module.body)
            if start and module.header:  # the lines before a seam lead to its statement
                first = module.body[0]
                body[0] = first.with_changes(leading_lines=(*module.header, *first.leading_lines))
            return body, footers
        statements: Sequence[cst.BaseStatement] = module.body
        for _ in chain:
            wrapper = statements[-1] if len(statements) == 1 else None
            if not isinstance(wrapper, cst.If) or not isinstance(wrapper.body, cst.IndentedBlock) or wrapper.orelse:
                raise _Mismatch("a piece that is not one block")
            footers.append(wrapper.body.footer)
            statements = wrapper.body.body
        return list(statements), footers


def _has_block(statement: cst.BaseStatement) -> bool:
    """Whether a top-level statement holds an indented block (then its piece's
    default indentation is the file's, taken from the first one)."""
    if isinstance(statement, cst.SimpleStatementLine):
        return False
    if isinstance(statement, cst.Match):
        return True
    clauses = [statement]
    while clauses:
        clause = clauses.pop()
        if isinstance(getattr(clause, "body", None), cst.IndentedBlock):
            return True
        for name in ("orelse", "finalbody"):
            more = getattr(clause, name, None)
            if more is not None:
                clauses.append(more)
        clauses.extend(getattr(clause, "handlers", ()))
    return False
