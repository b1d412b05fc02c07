"""Helpers shared by the rules that report the engine's kind events
(KG201 layer-as-tensor, KG202 tensor-as-layer, KG204 backend-op-on-symbolic).

Not a rule module (no ``kg`` prefix): the registry does not load it.
"""

from __future__ import annotations

from typing import Iterable

from kgraphlint.graph import Facts, KindEvent, Misuse
from kgraphlint.rules._wording import plain


def origin_related(event: KindEvent) -> list:
    label = plain(event.origin_label or event.what)
    return [(event.origin, f"`{label}` is created here")]


def events_of(facts: Facts, misuse: Misuse) -> Iterable[KindEvent]:
    """The engine's events of one kind of misuse: once per site, and once per misused
    value (an `InputLayer` used three times needs one fix, reported at its
    first use).
    """
    events = [e for e in facts.events if e.misuse is misuse and e.site is not None]
    events.sort(key=lambda e: (e.site.line, e.site.column))
    seen: set[tuple[str, int, int]] = set()
    seen_origins: set[tuple[str, int, int]] = set()
    for event in events:
        key = event.site.key()
        origin = event.origin.key() if event.origin is not None else None
        if key in seen or (origin is not None and origin in seen_origins):
            continue
        seen.add(key)
        if origin is not None:
            seen_origins.add(origin)
        yield event
