"""How the graph rules name things in messages: source names in backticks.

Not a rule module (no ``kg`` prefix): the registry does not load it.
"""

from __future__ import annotations

from typing import Optional

import re

from kgraphlint.graph import Layer, Model

# A name, attribute chain or subscript (`dense`, `self.head`, `towers[0]`):
# something a statement can assign to.  `Dense(4)` or `f(x).layer` is not.
_ASSIGNABLE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[[^()\[\]]*\])*$")

_VERBS = ("called", "given", "passed", "wrapped", "added", "applied", "listed", "used")


def quoted(text: str) -> str:
    """Source text in backticks (engines may or may not have quoted it)."""
    text = text.strip()
    return text if text.startswith("`") else f"`{text}`"


def plain(text: str) -> str:
    """Source text without the backticks an engine may have added."""
    return text.strip().strip("`")


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def model_ref(model: Model) -> str:
    """``model `name``` or ``the model`` when the model has no source name."""
    return f"model `{model.label}`" if model.label else "the model"


def layer_ref(layer: Layer) -> str:
    """``layer `dense``` for a layer with a source name, else ``this `Dense` layer``."""
    if layer.label:
        return f"layer `{layer.label}`"
    if layer.name:
        return f"layer `{layer.name}`"
    return f"this `{layer.class_name}` layer"


def used_as(role: str) -> str:
    """``role`` as the end of "..., but it is <role>"."""
    role = role.strip()
    if role.split(" ", 1)[0].lower() in _VERBS:
        return role
    return f"used as {role}"


def assignable(text: Optional[str]) -> bool:
    """Whether ``text`` is an expression code can assign an attribute on."""
    return bool(text) and bool(_ASSIGNABLE.match(plain(text or "")))
