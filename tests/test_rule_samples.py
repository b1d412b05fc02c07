"""Every rule's own VALID / INVALID samples, run through the real static engine.

A VALID sample must produce no finding of its rule; an INVALID sample must
produce findings of its rule exactly on the lines marked ``# expect``.  Rules
whose samples cannot go through the static engine (``sample_kind`` set to
"unparsable" or "trace") are checked by their own tests.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re

import libcst as cst
import pytest

from kgraphlint.rules import all_rules
from kgraphlint.rules.base import DOC_SECTIONS, expected_lines

ENGINE_READY = importlib.util.find_spec("kgraphlint.static.engine") is not None

RULES = list(all_rules().values())
SAMPLE_RULES = [r for r in RULES if getattr(r, "sample_kind", None) not in ("unparsable", "trace")]


def _findings(rule, source: str, path: str = "sample.py"):
    from kgraphlint.static.engine import analyze
    from kgraphlint.static.source import make_context

    module = cst.parse_module(source)
    ctx = make_context(path, source, module)
    facts = analyze(ctx)
    ctx.facts = facts
    if rule.source_rule:
        found = list(rule.check_source(ctx))
    else:
        found = list(rule.check(facts))
    return [f for f in found if f.code == rule.code]


def _cases(kind: str):
    for rule in SAMPLE_RULES:
        for i, sample in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, sample, id=f"{rule.code}-{kind.lower()}-{i}")


needs_engine = pytest.mark.skipif(
    not ENGINE_READY, reason="kgraphlint.static.engine is not written yet"
)


@needs_engine
@pytest.mark.parametrize("rule,sample", list(_cases("VALID")))
def test_valid_sample_is_clean(rule, sample):
    found = _findings(rule, sample)
    assert found == [], "\n".join(f"{f.line}: {f.message}" for f in found)


@needs_engine
@pytest.mark.parametrize("rule,sample", list(_cases("INVALID")))
def test_invalid_sample_reports_expected_lines(rule, sample):
    expected = expected_lines(sample)
    assert expected, "an INVALID sample needs at least one `# expect` line"
    found = _findings(rule, sample)
    assert sorted({f.line for f in found}) == expected, "\n".join(
        f"{f.line}: {f.message}" for f in found
    )
    for f in found:
        assert f.path == "sample.py"
        assert f.message and f.hint, "a finding needs a message and a fix hint"


def _fixed_cases():
    for rule in SAMPLE_RULES:
        for i, sample in enumerate(rule.INVALID):
            if getattr(sample, "fixed", None) is not None:
                yield pytest.param(rule, sample, id=f"{rule.code}-invalid-{i}")


FIXED_CASES = list(_fixed_cases())


@needs_engine
@pytest.mark.parametrize("rule,sample", FIXED_CASES)
def test_invalid_sample_fixes_to_its_fixed_text(rule, sample):
    """As in Fixit: the rule's autofixes, all applied, turn the sample into the
    text it carries; fixing that text again changes nothing."""
    from kgraphlint.fixes import fixed_text

    found = _findings(rule, sample)
    fixed = fixed_text(sample, [f.fix for f in sorted(found, key=lambda f: f.sort_key()) if f.fix])
    assert fixed == sample.fixed
    cst.parse_module(fixed)
    again = _findings(rule, fixed)
    assert fixed_text(fixed, [f.fix for f in again if f.fix]) == fixed


def test_fixable_rules_show_their_fixed_output():
    """Every rule that offers autofixes carries at least one expected fixed text."""
    fixable = {"KG401", "KG402"}
    assert fixable <= {rule.code for rule, *_ in (c.values for c in FIXED_CASES)}


# --------------------------------------------------------------------------
# The catalogue itself.


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_documentation_and_metadata(rule):
    assert re.fullmatch(r"KG\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name), rule.name
    assert rule.severity in ("error", "warning", "info")
    assert rule.engines in ("S", "T", "ST")
    assert rule.summary and "\n" not in rule.summary
    sections = rule.doc_sections()
    assert list(sections) == list(DOC_SECTIONS), list(sections)
    assert all(sections[name] for name in DOC_SECTIONS)
    if getattr(rule, "sample_kind", None) not in ("unparsable", "trace"):
        assert rule.VALID, "a rule needs at least one VALID sample"
        assert rule.INVALID, "a rule needs at least one INVALID sample"
        for sample in rule.INVALID:
            assert expected_lines(sample), "INVALID samples mark their lines with `# expect`"
        for sample in rule.VALID:
            assert not expected_lines(sample), "VALID samples expect nothing"
        for sample in (*rule.VALID, *rule.INVALID):
            cst.parse_module(sample)  # samples are valid Python


def test_codes_and_names_are_unique():
    # all_rules() is keyed by code and would hide a duplicate: scan the modules.
    import kgraphlint.rules as package
    from kgraphlint.rules.base import Rule

    classes = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("kg"):
            module = importlib.import_module(f"kgraphlint.rules.{info.name}")
            classes += [
                v
                for v in vars(module).values()
                if isinstance(v, type) and issubclass(v, Rule) and v.__module__ == module.__name__
            ]
    assert len(classes) == len(RULES)
    codes = [c.code for c in classes]
    names = [c.name for c in classes]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


def test_rule_module_names_match_codes():
    for rule in RULES:
        module = type(rule).__module__.rsplit(".", 1)[-1]
        assert module.startswith(rule.code.lower() + "_"), (module, rule.code)
        assert module[len(rule.code) + 1 :] == rule.name.replace("-", "_"), (module, rule.name)
