"""Terminal report in the rustc / Ruff style: header, location, code frame with a
caret span, labelled related locations, help line, and a summary by rule.

Colour is decoration only: printed to a pipe or with NO_COLOR, the text carries
every fact.  Nothing is cropped: messages, help lines and the summary are
wrapped at word boundaries to the console width (continuation lines indented
under their text); source lines are never wrapped (their carets would no longer
line up), a narrow terminal folds them instead.  A frame whose source line
cannot be read (file changed, trace site in another file) is simply left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional, TextIO

from kgraphlint.findings import location
from kgraphlint.report.names import one_line
from kgraphlint.report.summary import counts_by_rule, skip_label, skip_reason, skips_of, summary_line

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from kgraphlint.findings import Finding
    from kgraphlint.lint import LintResult
    from kgraphlint.rules.base import Rule
    from kgraphlint.sources import SourceStore

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
# Code frames are shown for files up to this size.
_MAX_SHOWN_BYTES = 10 * 1024 * 1024
_TAB = 4
# Longer spans show their first and last lines around an ellipsis.
_MAX_FRAME_LINES = 4
# Below this many columns left after a prefix, continuation lines start at
# the left edge instead of under the text.
_MIN_HANGING_WIDTH = 24
_WORD = re.compile(r"\S+")


def wrap(prefix: "Text", body: "Text", width: Optional[int], hang: Optional[int] = None) -> list["Text"]:
    """``prefix + body`` as lines of at most ``width`` cells, broken between words.

    Continuation lines are indented by ``hang`` cells (default: the prefix's
    width, so they line up under the body).  A word longer than a line stays
    whole.  ``width=None`` means one line.
    """
    from rich.cells import cell_len
    from rich.text import Text

    first_width = (width or 0) - cell_len(prefix.plain)
    if hang is None:
        hang = cell_len(prefix.plain)
    if width is not None and width - hang < _MIN_HANGING_WIDTH:
        hang = 0
    if width is None:
        return [Text.assemble(prefix, body)]
    if first_width < 1:  # the prefix alone fills the line
        return [prefix, *wrap(Text(), body, width, 0)]
    plain = body.plain
    spans: list[tuple[int, int]] = []
    start = end = -1
    limit = first_width
    for word in _WORD.finditer(plain):
        if start < 0:
            start, end = word.start(), word.end()
        elif cell_len(plain[start:word.end()]) <= limit:
            end = word.end()
        else:
            spans.append((start, end))
            start, end = word.start(), word.end()
            limit = width - hang
    if start >= 0:
        spans.append((start, end))
    if not spans:
        return [prefix]
    lines = [Text.assemble(prefix, body[spans[0][0]:spans[0][1]])]
    for a, b in spans[1:]:
        lines.append(Text.assemble(" " * hang, body[a:b]))
    return lines


class SourceLines:
    """Lines of the files the report points into, from the run's sources
    (read and decoded once per run; a file the run did not read, such as a
    trace site elsewhere, is read once here)."""

    def __init__(self, sources: "Optional[SourceStore]" = None) -> None:
        from kgraphlint.sources import SourceStore

        self._sources = sources if sources is not None else SourceStore()

    def line(self, path: str, number: int, cell: Optional[int] = None) -> Optional[str]:
        lines = self._cell_lines(path, cell) if cell is not None else self._lines(path)
        if lines is None or number < 1 or number > len(lines):
            return None
        return lines[number - 1]

    def _lines(self, path: str) -> Optional[list[str]]:
        source = self._sources.try_load(path, _MAX_SHOWN_BYTES)  # never blocks on a FIFO
        return source.lines() if source is not None else None

    def _cell_lines(self, path: str, cell: int) -> Optional[list[str]]:
        """The lines of a notebook's code cell: a cell's own code frame."""
        from kgraphlint.notebook import NotebookError

        source = self._sources.try_load(path)
        try:
            return source.notebook().cell_lines(cell) if source is not None else None
        except NotebookError:
            return None


def _display_col(line: str, column: int) -> int:
    """0-based screen column of a 1-based character column (tabs expanded)."""
    return len(line[: max(column - 1, 0)].expandtabs(_TAB))


def _word_end(line: str, column: int) -> int:
    """1-based end column (exclusive) of the name or token starting at ``column``."""
    m = re.match(r"[\w.]+", line[column - 1:]) if 0 < column <= len(line) else None
    return column + (len(m.group(0)) if m else 1)


class _Frame:
    """Renders the gutter-and-source blocks of one diagnostic."""

    def __init__(self, sources: SourceLines, gutter: int) -> None:
        self.sources = sources
        self.gutter = gutter

    def blank(self) -> "Text":
        from rich.text import Text

        return Text(" " * self.gutter + " |", style="bold blue")

    def span(
        self, path: str, line: int, column: int, end_line: int, end_column: int, style: str, mark: str, label: str = "",
        cell: Optional[int] = None,
    ) -> list["Text"]:
        from rich.text import Text

        end_line = max(end_line, line)
        numbers = list(range(line, end_line + 1))
        if len(numbers) > _MAX_FRAME_LINES:
            numbers = numbers[:2] + [0] + numbers[-1:]
        out: list[Text] = []
        for number in numbers:
            if number == 0:
                out.append(Text(" " * self.gutter + " ...", style="bold blue"))
                continue
            source = self.sources.line(path, number, cell)
            if source is None:
                return []  # the file changed or is elsewhere: no frame at all
            shown = source.expandtabs(_TAB)
            row = Text(f"{number:>{self.gutter}} | ", style="bold blue")
            row.append(shown)
            out.append(row)
            stripped = len(source) - len(source.lstrip())
            start = column if number == line else stripped + 1
            stop = end_column if number == end_line else len(source.rstrip()) + 1
            first, last = _display_col(source, start), _display_col(source, stop)
            if last <= first:
                last = first + 1
            under = Text(" " * self.gutter + " | ", style="bold blue")
            under.append(" " * first)
            under.append(mark * (last - first), style=style)
            if label and number == numbers[-1]:
                under.append(" " + label, style=style)
            out.append(under)
        return out


def _finding_block(f: "Finding", sources: SourceLines, width: Optional[int] = None) -> list["Text"]:
    from rich.text import Text

    style = SEVERITY_STYLE.get(f.severity, "bold")
    numbers = [f.line, f.end_line] + [r.line for r in f.related]
    frame = _Frame(sources, len(str(max(numbers + [1]))))
    indent = " " * frame.gutter

    header = Text(f"{f.severity}[{f.code}]", style=style)
    header.append(f" {f.name}: ", style="bold")
    block = wrap(header, Text(one_line(f.message), style="bold"), width, hang=len(indent) + 4)
    block.append(Text(f"{indent}--> {location(one_line(f.path), f.line, f.column, f.cell)}", style="bold blue"))
    main = frame.span(f.path, f.line, f.column, f.end_line, f.end_column, style, "^", cell=f.cell)
    if main:
        block += [frame.blank(), *main]
    for r in f.related:
        where = Text(f"{indent}::: ", style="bold blue")
        where.append(location(one_line(r.path), r.line, r.column, r.cell))
        related = frame.span(
            r.path, r.line, r.column, r.line, _word_end(sources.line(r.path, r.line, r.cell) or "", r.column),
            "bold cyan", "-", r.message, cell=r.cell,
        )
        if related:
            block += [frame.blank(), where, *related]
        else:
            where.append(": ")
            block += [frame.blank(), *wrap(where, Text(r.message, style="cyan"), width)]
    block.append(frame.blank())
    if f.hint:
        helpline = Text(f"{indent} = ", style="bold blue")
        helpline.append("help", style="bold")
        helpline.append(": ")
        block += wrap(helpline, Text(f.hint), width)
    if f.fix is not None:
        fixline = Text(f"{indent} = ", style="bold blue")
        fixline.append("fix", style="bold green")
        fixline.append(": ")
        block += wrap(fixline, Text(f"{f.fix.description} (apply with --fix)"), width)
    return block


def make_console(out: TextIO) -> "Console":
    from rich.console import Console

    # markup/emoji off: messages contain `[...]` and `:name:` that are not markup.
    return Console(file=out, highlight=False, markup=False, emoji=False, soft_wrap=True)


def render(result: "LintResult", out: TextIO, rules: "dict[str, Rule]", *, quiet: bool = False) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console(out)
    width = console.width
    sources = SourceLines(getattr(result, "sources", None))
    for f in result.findings:
        for row in _finding_block(f, sources, width):
            console.print(row)
        console.print()
    for e in result.errors:
        line = Text("error", style="bold red")
        line.append(f": {one_line(e.path)}: ")
        for row in wrap(line, Text(one_line(e.message)), width, hang=4):
            console.print(row)
    # Skipped work is shown even with --quiet: without it a clean report
    # would read as "everything passed".
    for skip in skips_of(result):
        line = Text(skip_label(skip), style="bold yellow" if skip.stage == "check" else "bold cyan")
        line.append(f": {one_line(skip.path)}: ")
        for row in wrap(line, Text(one_line(skip_reason(skip))), width, hang=4):
            console.print(row)
    if quiet:
        return
    if result.errors or skips_of(result):
        console.print()
    counts = counts_by_rule(result)
    if counts:
        table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("count", justify="right")
        table.add_column("code")
        table.add_column("name")
        table.add_column("severity")
        severity_of = {f.code: f.severity for f in result.findings}
        for code, name, count in counts:
            severity = severity_of.get(code, "")
            table.add_row(str(count), code, name, Text(severity, style=SEVERITY_STYLE.get(severity, "")))
        console.print(table, soft_wrap=False)
        console.print()
    summary = summary_line(result)
    style = "bold green" if summary.startswith("All checks passed") else "bold"
    for row in wrap(Text(), Text(summary, style=style), width, hang=4):
        console.print(row)
