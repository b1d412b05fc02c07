"""Terminal report in the rustc / Ruff style: header, location, code frame with a
caret span, labelled related locations, help line, and a summary by rule.

Colour is decoration only: printed to a pipe or with NO_COLOR, the text carries
every fact.  Nothing is cropped (``soft_wrap``): a narrow terminal wraps lines
instead of losing them, and a frame whose source line cannot be read (file
changed, trace site in another file) is simply left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional, TextIO

from kgraphlint.report.summary import counts_by_rule, summary_line

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from kgraphlint.findings import Finding
    from kgraphlint.lint import LintResult
    from kgraphlint.rules.base import Rule

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TAB = 4
# Longer spans show their first and last lines around an ellipsis.
_MAX_FRAME_LINES = 4


class SourceLines:
    """Lines of the files the report points into, read once each."""

    def __init__(self) -> None:
        self._files: dict[str, Optional[list[str]]] = {}

    def line(self, path: str, number: int) -> Optional[str]:
        if path not in self._files:
            self._files[path] = self._read(path)
        lines = self._files[path]
        if lines is None or number < 1 or number > len(lines):
            return None
        return lines[number - 1]

    @staticmethod
    def _read(path: str) -> Optional[list[str]]:
        from kgraphlint.safe_io import read_regular
        from kgraphlint.static.parse import ParseFailure, decode_source

        try:
            data = read_regular(path, 10 * 1024 * 1024)  # never blocks on a FIFO
        except OSError:
            return None
        try:
            text = decode_source(data)
        except ParseFailure:
            text = data.decode("utf-8", errors="replace")
        return _LINE_BREAK.split(text)


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
        self, path: str, line: int, column: int, end_line: int, end_column: int, style: str, mark: str, label: str = ""
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
            source = self.sources.line(path, number)
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


def _finding_block(f: "Finding", sources: SourceLines) -> list["Text"]:
    from rich.text import Text

    style = SEVERITY_STYLE.get(f.severity, "bold")
    numbers = [f.line, f.end_line] + [r.line for r in f.related]
    frame = _Frame(sources, len(str(max(numbers + [1]))))
    indent = " " * frame.gutter

    header = Text(f"{f.severity}[{f.code}]", style=style)
    header.append(f" {f.name}: ", style="bold")
    header.append(f.message, style="bold")
    block = [header, Text(f"{indent}--> {f.path}:{f.line}:{f.column}", style="bold blue")]
    main = frame.span(f.path, f.line, f.column, f.end_line, f.end_column, style, "^")
    if main:
        block += [frame.blank(), *main]
    for r in f.related:
        where = Text(f"{indent}::: ", style="bold blue")
        where.append(f"{r.path}:{r.line}:{r.column}")
        related = frame.span(
            r.path, r.line, r.column, r.line, _word_end(sources.line(r.path, r.line) or "", r.column),
            "bold cyan", "-", r.message,
        )
        if related:
            block += [frame.blank(), where, *related]
        else:
            where.append(f": {r.message}", style="cyan")
            block += [frame.blank(), where]
    block.append(frame.blank())
    if f.hint:
        helpline = Text(f"{indent} = ", style="bold blue")
        helpline.append("help", style="bold")
        helpline.append(f": {f.hint}")
        block.append(helpline)
    if f.fix is not None:
        fixline = Text(f"{indent} = ", style="bold blue")
        fixline.append("fix", style="bold green")
        fixline.append(f": {f.fix.description} (apply with --fix)")
        block.append(fixline)
    return block


def make_console(out: TextIO) -> "Console":
    from rich.console import Console

    # markup/emoji off: messages contain `[...]` and `:name:` that are not markup.
    return Console(file=out, highlight=False, markup=False, emoji=False, soft_wrap=True)


def render(result: "LintResult", out: TextIO, rules: "dict[str, Rule]", *, quiet: bool = False) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console(out)
    sources = SourceLines()
    for f in result.findings:
        for row in _finding_block(f, sources):
            console.print(row)
        console.print()
    for e in result.errors:
        line = Text("error", style="bold red")
        line.append(f": {e.path}: {e.message}")
        console.print(line)
    if quiet:
        return
    if result.errors:
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
    style = "bold green" if not result.findings and not result.errors else "bold"
    console.print(Text(summary_line(result), style=style))
