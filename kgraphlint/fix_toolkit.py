"""The autofix toolkit: how a source rule builds its edits, and how edits are
applied to a text.

A fixable rule builds each ``Fix`` from these pieces:

- :func:`replace` / :func:`insert_before` / :func:`insert_after`: one libcst node;
- :func:`remove_arguments` (:func:`remove_argument` for one): arguments of a
  call, keeping the comments written beside them;
- :class:`ImportAdder`: a dotted name through an import the file already has,
  or one added import line that every fix of the file shares (it rides on one
  fix, see :meth:`ImportAdder.attach`).

:func:`apply_to_text` applies fixes: identical edits (two fixes adding the
same text at the same place) collapse to one, an edit whose text is already
there is skipped as already applied, a fix that collides with one accepted
before it is skipped whole, and unsafe fixes (``Fix.safe`` False: they may
change what the program does) only when asked for.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Optional, Sequence

import libcst as cst

from kgraphlint.findings import Edit, Finding, Fix
from kgraphlint.static.imports import import_bindings
from kgraphlint.static.source import SourceContext
from kgraphlint.static.text_edits import slice_text, text_offsets

if TYPE_CHECKING:
    from kgraphlint.static.imports import ImportBindings

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# ----------------------------------------------------------------------------
# Nodes
# ----------------------------------------------------------------------------


def replace(ctx: SourceContext, node: cst.CSTNode, text: str) -> Edit:
    """Replace the source of ``node`` by ``text``."""
    line, column, end_line, end_column = ctx.positions.position(node)
    return Edit(line, column, end_line, end_column, text)


def insert_before(ctx: SourceContext, node: cst.CSTNode, text: str) -> Edit:
    line, column, _, _ = ctx.positions.position(node)
    return Edit(line, column, line, column, text)


def insert_after(ctx: SourceContext, node: cst.CSTNode, text: str) -> Edit:
    _, _, end_line, end_column = ctx.positions.position(node)
    return Edit(end_line, end_column, end_line, end_column, text)


# ----------------------------------------------------------------------------
# Call arguments
# ----------------------------------------------------------------------------


def remove_argument(ctx: SourceContext, call: cst.Call, arg: cst.Arg) -> Optional[Edit]:
    """The edit removing one argument of ``call``, or None when it would take a
    comment along."""
    return remove_arguments(ctx, call, [arg])[id(arg)]


def remove_arguments(ctx: SourceContext, call: cst.Call, doomed: Sequence[cst.Arg]) -> dict[int, Optional[Edit]]:
    """For each argument of ``doomed`` (by ``id``), the edit removing it from
    ``call``, or None when no range removes it without a comment.

    One argument per line (the usual layout of long calls): the argument's
    line goes, but a comment on it stays, alone on its line.  Otherwise an
    argument followed by a kept one is removed up to that argument's start, and
    a run of removed arguments at the end is removed from the end of the
    argument before it.  Where that range would take a comment along, only
    the argument (and its own comma) goes and the comment stays where it was
    (leaving, at worst, a trailing comma).  The ranges of one call never
    overlap and each is valid alone, so any subset of them applies cleanly.
    """
    args = list(call.args)
    deleted = {id(a) for a in doomed}
    if not deleted:
        return {}
    starts = text_offsets(ctx.text)
    pos = [ctx.positions.position(a) for a in args]
    own_line = {id(a): _own_line_range(ctx, starts, p) for a, p in zip(args, pos) if id(a) in deleted}
    ranges: dict[int, Optional[tuple[tuple[int, int], tuple[int, int]]]]
    if all(r is not None for r in own_line.values()):
        ranges = dict(own_line)
    else:
        ranges = {}
        for i, arg in enumerate(args):
            if id(arg) not in deleted:
                continue
            kept_after = any(id(a) not in deleted for a in args[i + 1 :])
            kept_before = any(id(a) not in deleted for a in args[:i])
            own = _own_range(ctx, starts, arg, pos[i])
            span: Optional[tuple[tuple[int, int], tuple[int, int]]]
            if kept_after or (not kept_before and i + 1 < len(args)):
                # Up to the next argument (when every argument goes, all but the last).
                span = ((pos[i][0], pos[i][1]), (pos[i + 1][0], pos[i + 1][1]))
            elif kept_before:
                # In the run of deleted arguments after the last kept one.
                span = ((pos[i - 1][2], pos[i - 1][3]), (pos[i][2], pos[i][3]))
            else:
                span = own
            if "#" in slice_text(ctx.text, starts, *span):
                span = own  # keep the comment: only the argument and its comma go
                if "#" in slice_text(ctx.text, starts, *span):
                    span = None  # a comment inside the argument itself
            ranges[id(arg)] = span
    edits: dict[int, Optional[Edit]] = {}
    for key in deleted:
        span = ranges.get(key)
        if span is None:
            edits[key] = None
            continue
        (line, column), (end_line, end_column) = span
        edits[key] = Edit(line, column, end_line, end_column, "")
    return edits


def _own_range(
    ctx: SourceContext, starts: list[int], arg: cst.Arg, pos: tuple[int, int, int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The argument, its comma and the blanks after that comma on its line."""
    end = (pos[2], pos[3])
    if isinstance(arg.comma, cst.Comma):
        comma = ctx.positions.position(arg.comma)
        offset = starts[comma[2] - 1] + comma[3] - 1
        match = re.compile(r"[ \t]*").match(ctx.text, offset)
        blanks = match.end() - offset if match else 0
        end = (comma[2], comma[3] + blanks)
    return (pos[0], pos[1]), end


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


# ----------------------------------------------------------------------------
# Imports
# ----------------------------------------------------------------------------


class ImportAdder:
    """How the fixes of one file name dotted paths: through a name that a
    top-level import binds once in the whole file, bound above the use (an
    existing import that reaches it: nothing is added), or else through the
    path's last name, imported by an added ``from <module> import <name>``
    line (one line per name for the whole file).

    A name planned from one module serves later requests for it from another
    module: callers ask for one name only where it is the same object
    (``keras`` / ``tf.keras`` in Keras 3).
    """

    def __init__(self, ctx: SourceContext, names: "ImportBindings") -> None:
        self.ctx = ctx
        self.names = names
        self.planned: dict[str, str] = {}  # name -> module, in request order
        self.first_line: Optional[int] = None  # of the first use of an added import
        # name -> (path, line of its import); computed on first use, since it
        # needs positions, which most files never compute
        self._bindings: Optional[dict[str, tuple[str, int]]] = None

    @property
    def bindings(self) -> dict[str, tuple[str, int]]:
        if self._bindings is None:
            self._bindings = {}
            for statement in self.ctx.module.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    if not isinstance(small, (cst.Import, cst.ImportFrom)):
                        continue
                    for binding in import_bindings(small):
                        name, path = binding.name, binding.path
                        if path is None or binding.star:
                            continue
                        unique = self.names.imports.get(name) == {path} and name not in self.names.other
                        if unique and name not in self._bindings:
                            self._bindings[name] = (path, self.ctx.positions.position(small)[0])
        return self._bindings

    def existing_reference(self, target: str, line: int) -> Optional[str]:
        """Source text for ``target`` through an import bound above ``line``."""
        candidates = []
        for name, (path, bound_at) in self.bindings.items():
            if bound_at >= line:
                continue
            if target == path or target.startswith(path + "."):
                candidates.append((-len(path), name, name + target[len(path) :]))
        return min(candidates)[2] if candidates else None

    def reference(self, target: str, line: int) -> Optional[str]:
        """Source text naming the dotted path ``target`` at ``line``, planning an
        added import when no existing one reaches it; None when the name it
        would import means something else in the file."""
        found = self.existing_reference(target, line)
        if found is not None:
            return found
        module, _, name = target.rpartition(".")
        if name in self.names.other or self.names.imports.get(name, {target}) != {target}:
            return None
        self.planned.setdefault(name, module)
        if self.first_line is None or line < self.first_line:
            self.first_line = line
        return name

    def import_edit(self) -> Optional[Edit]:
        """The edit adding the planned import lines: after the last top-level
        import above the first use (else right before the top-level statement
        holding that use)."""
        if not self.planned or self.first_line is None:
            return None
        ctx = self.ctx
        text = ctx.text
        newline = _LINE_BREAK.search(text)
        eol = newline.group(0) if newline else "\n"
        lines_added = "".join(f"from {module} import {name}{eol}" for name, module in self.planned.items())
        after: Optional[int] = None
        before: Optional[int] = None
        for statement in ctx.module.body:
            start, _, end, _ = ctx.positions.position(statement)
            decorators = getattr(statement, "decorators", ())
            if decorators:
                start = min(start, ctx.positions.position(decorators[0])[0])
            if end >= self.first_line:
                before = start if start <= self.first_line else None
                break
            if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
            ):
                after = end
        if after is not None:
            starts = text_offsets(text)
            if after < len(starts):
                return Edit(after + 1, 1, after + 1, 1, lines_added)
            # the import is on the last line, which has no line break
            column = len(text) - starts[after - 1] + 1
            return Edit(after, column, after, column, eol + lines_added[: -len(eol)])
        if before is not None:
            return Edit(before, 1, before, 1, lines_added)
        return None

    def attach(self, findings: Sequence[Finding]) -> None:
        """Give the added import to one fix of the file.

        Every fix in ``findings`` names what the import binds, but one line can
        only be added once in a pass, so the first fix that a `# noqa` comment
        does not silence carries it for all; without it, none is offered.
        """
        if not findings:
            return
        from kgraphlint.suppress import comment_suppressions, is_suppressed  # the rules package loads first

        edit = self.import_edit()
        suppressions = comment_suppressions(self.ctx.text) if "#" in self.ctx.text else {}
        carrier = next((f for f in findings if not is_suppressed(f, suppressions)), None)
        if edit is None or carrier is None:
            for finding in findings:
                finding.fix = None
            return
        assert carrier.fix is not None
        carrier.fix.edits.append(edit)
        carrier.fix.description += " (and import " + ", ".join(f"`{n}`" for n in self.planned) + ")"


# ----------------------------------------------------------------------------
# Applying fixes to a text
# ----------------------------------------------------------------------------


def apply_to_text(text: str, fixes: Iterable[Fix], *, unsafe: bool = False) -> str:
    """``text`` with the fixes applied, in the order given.

    An edit identical to one already accepted (same range, same text) is the
    same change and is applied once; an edit whose range already holds its
    text is already applied and skipped.  A fix with an edit that collides
    with an accepted one, or points outside the text, is skipped as a whole.
    Unsafe fixes are applied only with ``unsafe=True``.
    """
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def offset(line: int, column: int) -> Optional[int]:
        if line < 1 or line > len(starts) or column < 1:
            return None
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(text)
        pos = begin + column - 1
        return pos if pos <= end else None

    accepted: list[tuple[int, int, str]] = []
    for fix in fixes:
        if not fix.safe and not unsafe:
            continue
        spans: list[tuple[int, int, str]] = []
        valid = True
        for edit in fix.edits:
            start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
            if start is None or end is None or end < start:
                valid = False
                break
            span = (start, end, edit.content)
            if span in accepted or (start != end and text[start:end] == edit.content):
                continue  # the same change as an accepted edit, or already applied
            spans.append(span)
        if not valid:
            continue
        if any(_overlaps(s, a) for s in spans for a in accepted):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :]):
            continue
        accepted.extend(spans)
    # Bottom-up, so earlier offsets stay valid while later text changes.
    for start, end, content in sorted(accepted, key=lambda s: (s[0], s[1]), reverse=True):
        text = text[:start] + content + text[end:]
    return text


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    if a[0] == a[1] and b[0] == b[1]:
        return a[0] == b[0]  # two different insertions at one place: order would be ambiguous
    return a[0] < b[1] and b[0] < a[1]
