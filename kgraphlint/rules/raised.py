"""Exceptions the tracer saw -> findings of the rule that explains each.

The trace worker records an exception raised by a builder as a neutral
``RaisedError`` (type, text, the deepest user frame; ``stage="fit"`` when
fit()'s first step rejected the data).  Each rule says which of them it
explains (``Rule.raised_patterns`` / ``raised_stage``) and in which words
(``raised_wording``); here each error becomes one finding of its rule, or of
KG901 when no rule explains it.  The pipeline calls this once per trace
``Facts``; the KG901 rule's own ``check`` reports nothing, so nothing is
reported twice.  No keras import.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from kgraphlint.findings import Finding
from kgraphlint.graph import Facts, RaisedError, Site
from kgraphlint.rules import all_rules
from kgraphlint.rules.base import Rule

_KG901_HINT = (
    "fix the error (run the function yourself to see the full traceback), or tell kgraphlint "
    "how to call it with `trace.calls` / give it more time with `trace.timeout` in "
    "[tool.kgraphlint]."
)


@lru_cache(maxsize=1)
def _explaining_rules() -> tuple[Rule, ...]:
    return tuple(r for r in all_rules().values() if r.raised_patterns or r.raised_stage != "build")


def explaining_rule(exc_type: str, message: str, stage: str = "build") -> Optional[Rule]:
    """The rule that explains an exception, or None (KG901)."""
    for rule in _explaining_rules():
        if rule.raised_stage != stage:
            continue
        if stage != "build" and not rule.raised_patterns:
            return rule  # every error of that stage is this rule's
        if any(pattern.search(message) for pattern in rule.raised_patterns):
            return rule
    return None


def rule_for_exception(exc_type: str, message: str) -> Optional[str]:
    """The code of the rule a builder's exception maps to, or None (KG901)."""
    rule = explaining_rule(exc_type, message)
    return rule.code if rule is not None else None


def _message(err: RaisedError, rule: Optional[Rule]) -> tuple[str, str]:
    detail = f"{err.exc_type}: {err.message}" if err.message else err.exc_type
    detail = detail.rstrip(" .")
    if rule is not None and rule.raised_wording is not None:
        meaning, fix = rule.raised_wording
        return f"{meaning} (Keras raised {detail}).", fix
    return f"Tracing failed: {detail}.", _KG901_HINT


def findings_from_raised(facts: Facts) -> list[Finding]:
    """One finding per recorded exception, at its site, engine "trace"."""
    fallback = all_rules().get("KG901")
    findings: list[Finding] = []
    seen: set[tuple[str, str, int, int, str]] = set()
    for err in facts.errors:
        explained = explaining_rule(err.exc_type, err.text or err.message, err.stage)
        rule = explained or fallback
        if rule is None:
            continue
        site = err.site or Site(facts.path, 1, 1)
        if explained is not None and explained.raised_at_layer and err.layer_site is not None:
            # Keras called the layer itself (building a Sequential model):
            # reported at the layer the user wrote, like the static engine.
            site = err.layer_site
        message, hint = _message(err, explained)
        key = (rule.code, site.path, site.line, site.column, message)
        if key in seen:
            continue
        seen.add(key)
        findings.append(rule.finding(site, message, hint, engine="trace"))
    return findings
