"""YAML text to plain data plus the line of every field, so errors can name their line.

Numbers that look like decimals become ``Decimal`` (never ``float``): ``0.30`` stays 0.30.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from competition.rules.errors import Problem
from competition.rules.messages import N_, msg

Path = tuple[str | int, ...]

_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass
class SourceMap:
    """Where each field path was written (1-based line numbers)."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that was written."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


@dataclass
class YamlDocument:
    data: Any
    source_map: SourceMap
    problems: list[Problem]


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.source_map = SourceMap()
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.source_map.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, index)) for index, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key is None or isinstance(key, (dict, list)):
                self._problem(line, path, N_("a key must be a plain name"))
                continue
            name = str(key).lower() if isinstance(key, bool) else str(key)
            child_path = (*path, name)
            if name in result:
                first = self.source_map.lines.get(child_path)
                self._problem(
                    line, child_path, N_("duplicate key (first written on line {first})"), first
                )
                continue
            self.source_map.lines[child_path] = line
            result[name] = self.build(value_node, child_path)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _FLOAT_TAG:
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return node.value
        if node.tag in (_INT_TAG, _BOOL_TAG, _NULL_TAG):
            return self._constructor.construct_object(node, deep=True)
        return node.value

    def _problem(self, line: int, path: Path, text: str, first: int | None = None) -> None:
        dotted = ".".join(str(p) for p in path)
        self.problems.append(Problem(self.source, line, dotted, msg(text, first=first)))


def load_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document; syntax errors come back as problems with their line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = error.problem or str(error)
        problem = Problem(source, line, "", msg(N_("YAML syntax error: {detail}"), detail=detail))
        return YamlDocument(None, SourceMap(), [problem])
    except yaml.YAMLError as error:
        problem = Problem(source, None, "", msg(N_("YAML syntax error: {detail}"), detail=error))
        return YamlDocument(None, SourceMap(), [problem])
    if node is None:
        problem = Problem(source, 1, "", msg(N_("the file is empty")))
        return YamlDocument(None, SourceMap(), [problem])
    builder = _Builder(source)
    data = builder.build(node, ())
    return YamlDocument(data, builder.source_map, builder.problems)
