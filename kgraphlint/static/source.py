"""One parsed source file: its text, libcst module and lazy positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from kgraphlint.graph import Facts, Site


class PositionIndex:
    """Line/column of libcst nodes, computed for the whole module on first use.

    Most files produce no finding, so most files never pay for positions.
    """

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._positions: Optional[Mapping[cst.CSTNode, CodeRange]] = None

    def position(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        if self._positions is None:
            wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        rng = self._positions.get(node)
        if rng is None:
            return (1, 1, 1, 1)
        return (rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)


@dataclass
class SourceContext:
    """What source rules get: the file, its module and the engine's facts."""

    path: str
    text: str
    module: cst.Module
    positions: PositionIndex
    facts: Optional[Facts] = None
    _sites: dict[int, Site] = field(default_factory=dict)

    def site(self, node: cst.CSTNode) -> Site:
        site = self._sites.get(id(node))
        if site is None:
            positions = self.positions
            site = Site(self.path, resolver=lambda: positions.position(node))
            self._sites[id(node)] = site
        return site

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


def make_context(path: str, text: str, module: cst.Module) -> SourceContext:
    return SourceContext(path=path, text=text, module=module, positions=PositionIndex(module))
