"""What a Keras exception's text says about where it happened.

Which rule explains an exception is the rules' knowledge (each rule's
``raised_patterns``, read by ``kgraphlint.rules.raised``); this module only
reads the layer a message names, to locate it.  Pure string matching: no
keras import.
"""

from __future__ import annotations

import re
from typing import Optional

# The layer a shape error names: ``of layer 'conv2d'`` or ``calling Reshape.call()``.
_NAMED_LAYER = re.compile(r"of layer ['\"]([^'\"]+)['\"] is incompatible")
_CALLED_CLASS = re.compile(r"Exception encountered when calling (\w+)\.call\(\)")


def failing_layer(message: str) -> tuple[Optional[str], Optional[str]]:
    """``(layer name, layer class)`` a Keras shape error names, when it does."""
    m = _NAMED_LAYER.search(message)
    if m:
        return m.group(1), None
    m = _CALLED_CLASS.search(message)
    if m:
        return None, m.group(1)
    return None, None


_DUPLICATE_NAME = re.compile(r'The name "([^"]*)" is used \d+ times in the model')


def duplicated_name(message: str) -> Optional[str]:
    m = _DUPLICATE_NAME.search(message)
    return m.group(1) if m else None


def short_message(message: str, limit: int = 300) -> str:
    """First paragraph of an exception text, on one line."""
    text = message.strip().split("\n\n", 1)[0]
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
