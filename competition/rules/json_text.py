"""JSON text laid out as ``json.dumps(value, ensure_ascii=False, indent=2)`` lays it out,
faster, and with pieces of text already encoded.

With ``indent`` the standard library encodes in pure Python, key by key; a report of many
entrants holds millions of keys. Here each distinct shape of object (its keys, at its depth)
becomes a template once, and :class:`Rendered` text goes in as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

_string: Callable[[str], str] = encode_basestring


@dataclass(frozen=True, slots=True)
class Rendered:
    """JSON text laid out at depth 0: nested deeper, each of its lines is indented more."""

    text: str


def indented_json(value: object) -> str:
    """``value`` exactly as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it."""
    return _Encoder().encode(value, "\n")


class _Encoder:
    """The standard library's tests in its order (most frequent kinds first here)."""

    def __init__(self) -> None:
        self.shapes: dict[tuple[tuple[Any, ...], str], str] = {}

    def encode(self, value: object, newline: str) -> str:
        """``newline`` is a line break and the indentation of the depth ``value`` is at."""
        if isinstance(value, str):
            return _string(value)
        if isinstance(value, dict):
            return self.object(value, newline)
        if isinstance(value, (list, tuple)):
            return self.array(value, newline)
        if isinstance(value, Rendered):
            return value.text.replace("\n", newline)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return int.__repr__(value)
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline)

    def object(self, value: dict[Any, Any], newline: str) -> str:
        if not value:
            return "{}"
        keys = tuple(value)
        template = self.shapes.get((keys, newline))
        if template is None:
            template = self.shapes[(keys, newline)] = _template(keys, newline)
        inner = newline + "  "
        string, encode = _string, self.encode
        return template % tuple(
            [
                string(v) if type(v) is str else "null" if v is None else encode(v, inner)
                for v in value.values()
            ]
        )

    def array(self, value: list[Any] | tuple[Any, ...], newline: str) -> str:
        if not value:
            return "[]"
        inner = newline + "  "
        string, encode = _string, self.encode
        parts = [string(v) if type(v) is str else encode(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(parts) + newline + "]"


def _template(keys: tuple[Any, ...], newline: str) -> str:
    """An object of these keys at this depth, with ``%s`` for each value."""
    inner = newline + "  "
    fields = [_key(k).replace("%", "%%") + ": %s" for k in keys]
    return "{" + inner + ("," + inner).join(fields) + newline + "}"


def _key(key: object) -> str:
    """A key as json writes it: text as it is, a number or a constant as its text."""
    if isinstance(key, str):
        return _string(key)
    if key is None or isinstance(key, (bool, int, float)):
        return _string(json.dumps(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
