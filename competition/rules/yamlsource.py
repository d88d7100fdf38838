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

# libyaml where it is built in: a tenth of the pure-Python parser's time, the same nodes and
# marks (the nesting bound below runs first, on events, so its recursive composer stays safe)
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"

# A rule file is a page or two of text: these bounds refuse, within a second and a few MB, a
# file built to exhaust the server (nested aliases that expand a 500-byte file a billionfold,
# nesting that exhausts the stack, numbers of thousands of digits).
MAX_TEXT = 512 * 1024  # characters
MAX_VALUES = 100_000  # keys, list entries and values, after aliases are expanded
MAX_NESTING = 64
MAX_DIGITS = 30  # significant digits of a number, and its decimal exponent either way


class _TooLarge(Exception):
    """The document grew past MAX_VALUES or MAX_NESTING; the problem is already recorded."""


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
        self._values = 0

    def build(self, node: yaml.Node, path: Path) -> Any:
        line = node.start_mark.line + 1
        self.source_map.lines.setdefault(path, line)
        self._values += 1
        if self._values > MAX_VALUES:
            self._problem(
                line,
                path,
                N_("the file holds more than {limit} values (aliases expanded)"),
                limit=MAX_VALUES,
            )
            raise _TooLarge
        if len(path) > MAX_NESTING:
            self._problem(line, path, N_("nested more than {limit} levels deep"), limit=MAX_NESTING)
            raise _TooLarge
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
                    line,
                    child_path,
                    N_("duplicate key (first written on line {first})"),
                    first=first,
                )
                continue
            self.source_map.lines[child_path] = line
            result[name] = self.build(value_node, child_path)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag in (_FLOAT_TAG, _INT_TAG) and not _digits_fit(node.value):
            self.problems.append(
                Problem(
                    self.source,
                    node.start_mark.line + 1,
                    "",
                    msg(
                        N_("the number '{value}' has more than {limit} digits"),
                        value=node.value[:40],
                        limit=MAX_DIGITS,
                    ),
                )
            )
            return None
        if node.tag == _FLOAT_TAG:
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return node.value
        if node.tag in (_INT_TAG, _BOOL_TAG, _NULL_TAG):
            return self._constructor.construct_object(node, deep=True)
        return node.value

    def _problem(self, line: int, path: Path, text: str, **params: object) -> None:
        dotted = ".".join(str(p) for p in path)
        self.problems.append(Problem(self.source, line, dotted, msg(text, **params)))


def _too_deep(text: str, source: str) -> Problem | None:
    """Nesting past MAX_NESTING, found on the parser's events (no recursion, and it stops at
    the first level too many) before the recursive composer could exhaust the stack."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    message = msg(N_("nested more than {limit} levels deep"), limit=MAX_NESTING)
                    return Problem(source, line, "", message)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        if "nesting depth" in str(error):  # libyaml's own bound (1,000) met while scanning
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            message = msg(N_("nested more than {limit} levels deep"), limit=MAX_NESTING)
            return Problem(source, line, "", message)
        return None  # the composer reports the syntax error with its line
    return None


def _digits_fit(text: str) -> bool:
    """Whether a YAML number has at most MAX_DIGITS digits and an exponent within ±MAX_DIGITS
    (counted on the text, before any conversion: ``1e309`` or 5,000 digits never get that far)."""
    mantissa, _e, exponent = text.lower().replace("_", "").partition("e")
    digits = sum(ch.isdigit() for ch in mantissa.lstrip("+-0x").lstrip("0"))
    if digits > MAX_DIGITS:
        return False
    if not exponent:
        return True
    exponent = exponent.lstrip("+-")
    return len(exponent) <= 3 and exponent.isdigit() and int(exponent) <= MAX_DIGITS


def load_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document; syntax errors come back as problems with their line."""
    if len(text) > MAX_TEXT:
        problem = Problem(
            source, None, "", msg(N_("the file is larger than {limit} KB"), limit=MAX_TEXT // 1024)
        )
        return YamlDocument(None, SourceMap(), [problem])
    too_deep = _too_deep(text, source)
    if too_deep is not None:
        return YamlDocument(None, SourceMap(), [too_deep])
    try:
        node = yaml.compose(text, Loader=LOADER)
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
    try:
        data = builder.build(node, ())
    except _TooLarge:
        return YamlDocument(None, SourceMap(), builder.problems)
    return YamlDocument(data, builder.source_map, builder.problems)
