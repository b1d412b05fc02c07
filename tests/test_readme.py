"""README.md stays true: its rules table is the registry, its commands are CI's."""

from __future__ import annotations

import re
from pathlib import Path

from kgraphlint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENGINES = {"S": "static", "T": "trace", "ST": "static + trace"}


def readme_rules_table() -> list[list[str]]:
    block = README.split("<!-- rules-table")[1].split("<!-- end rules-table -->")[0]
    rows = []
    for line in block.splitlines():
        if re.match(r"^\| KG\d{3} ", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_rules_table_matches_registry() -> None:
    expected = [
        [r.code, f"`{r.name}`", r.severity, ENGINES[r.engines], r.summary]
        for r in all_rules().values()
    ]
    assert readme_rules_table() == expected


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def test_two_setup_commands() -> None:
    setup = README.split("## Set up")[1].split("\n## ")[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)
    assert len(commands) == 2
    run_fixtures, run_tests = commands
    assert "pip install -e ." in run_fixtures and "kgraphlint fixtures/" in run_fixtures
    assert 'pip install -e ".[test]"' in run_tests


def test_ci_runs_the_readme_test_command() -> None:
    setup = README.split("## Set up")[1].split("\n## ")[0]
    run_tests = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)[1]
    test_command = run_tests.split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
    assert 'pip install --quiet -e ".[test]"' in ci
