"""Small functions over abstract values shared by the interpreter's parts."""

from __future__ import annotations

from typing import Sequence, TypeGuard
from kgraphlint.static.values import (
    Const,
    DictV,
    SeqV,
    Value,
)


def _all_args(args, kwargs):
    return list(args) + list(kwargs.values())


def _all_const(items: Sequence[Value]) -> TypeGuard[Sequence[Const]]:
    return all(isinstance(i, Const) for i in items)


def _is_data(value: Value) -> bool:
    """Concrete data: a constant, EagerData, an eager tensor, or a container of them."""
    if isinstance(value, Const) or value.eager_data:
        return True
    if isinstance(value, SeqV):
        return all(_is_data(v) for v in value.items)
    return False


def _flat_items(value: Value, with_index: bool = False):
    """Items of a call argument: the value itself, or a list/tuple/dict's items."""
    if isinstance(value, SeqV):
        for i, item in enumerate(value.items):
            if isinstance(item, SeqV):
                for sub in item.items:
                    yield (sub, None) if with_index else sub
            else:
                yield (item, i) if with_index else item
    elif isinstance(value, DictV):
        for item in value.items.values():
            yield (item, None) if with_index else item
    else:
        yield (value, 0) if with_index else value
































