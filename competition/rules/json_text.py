"""JSON text laid out as ``json.dumps(value, ensure_ascii=False, indent=2)`` lays it out,
faster, and with pieces of text already encoded.

With ``indent`` the standard library encodes in pure Python, key by key; a report of many
entrants holds millions of keys. Here each distinct shape of object (its keys, at its depth)
becomes its text around the values once, and :class:`Rendered` text goes in as it is. The
outermost levels are written as pieces joined once at the end: a report is a hundred
megabytes, and each level built as one string would copy all of it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

_string: Callable[[str], str] = encode_basestring

STREAMED_LEVELS = 2  # the document and the list of its entrants


@dataclass(frozen=True, slots=True)
class Rendered:
    """JSON text laid out at the depth whose line break (and indentation) is ``newline``:
    nested at another depth, each of its lines is indented to there."""

    text: str
    newline: str = "\n"


@dataclass(frozen=True, slots=True)
class Streamed:
    """A list whose elements are made while the text is written (each entrant's part of a
    report, say), so that they need not all be held at once."""

    elements: Iterable[Any]


def indented_json(value: object, end: str = "") -> str:
    """``value`` exactly as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it,
    followed by ``end``."""
    pieces: list[str] = []
    _Encoder().write(value, "\n", pieces, STREAMED_LEVELS)
    pieces.append(end)
    return "".join(pieces)


class _Encoder:
    """The standard library's tests in its order (most frequent kinds first here)."""

    def __init__(self) -> None:
        self.shapes: dict[tuple[tuple[Any, ...], str], list[str]] = {}

    def write(self, value: object, newline: str, pieces: list[str], levels: int) -> None:
        """Append ``value``'s text to ``pieces``, its outer ``levels`` piece by piece."""
        if levels <= 0 or not isinstance(value, (dict, list, tuple, Streamed)):
            pieces.append(self.encode(value, newline))
            return
        inner = newline + "  "
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        count = 0
        for label, element in _labelled(value):
            pieces.append(f"{',' if count else opening}{inner}{label}")
            self.write(element, inner, pieces, levels - 1)
            count += 1
        pieces.append(newline + closing if count else opening + closing)

    def encode(self, value: object, newline: str) -> str:
        """``newline`` is a line break and the indentation of the depth ``value`` is at."""
        if isinstance(value, str):
            return _string(value)
        if isinstance(value, dict):
            return self.object(value, newline)
        if isinstance(value, (list, tuple)):
            return self.array(value, newline)
        if isinstance(value, Rendered):
            if value.newline == newline:
                return value.text
            return value.text.replace(value.newline, newline)
        if isinstance(value, Streamed):
            return self.array(list(value.elements), newline)
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
        fragments = self.shapes.get((keys, newline))
        if fragments is None:
            fragments = self.shapes[(keys, newline)] = _fragments(keys, newline)
        inner = newline + "  "
        string, encode = _string, self.encode
        pieces = fragments.copy()
        pieces[1::2] = [
            string(v) if type(v) is str else "null" if v is None else encode(v, inner)
            for v in value.values()
        ]
        return "".join(pieces)

    def array(self, value: list[Any] | tuple[Any, ...], newline: str) -> str:
        if not value:
            return "[]"
        inner = newline + "  "
        string, encode = _string, self.encode
        parts = [string(v) if type(v) is str else encode(v, inner) for v in value]
        return f"[{inner}{(',' + inner).join(parts)}{newline}]"


def _labelled(value: dict[Any, Any] | list[Any] | tuple[Any, ...] | Streamed) -> Iterable[Any]:
    """A container's elements, each after its key as the text before it (none in a list)."""
    if isinstance(value, dict):
        return ((f"{_key(key)}: ", element) for key, element in value.items())
    elements = value.elements if isinstance(value, Streamed) else value
    return (("", element) for element in elements)


def _fragments(keys: tuple[Any, ...], newline: str) -> list[str]:
    """An object of these keys at this depth as its text around each value, with a place
    (every second piece) for each value: joined, one copy of every value's text."""
    inner = newline + "  "
    pieces = []
    for index, key in enumerate(keys):
        pieces += [f"{',' if index else '{'}{inner}{_key(key)}: ", ""]
    return [*pieces, newline + "}"]


def _key(key: object) -> str:
    """A key as json writes it: text as it is, a number or a constant as its text."""
    if isinstance(key, str):
        return _string(key)
    if key is None or isinstance(key, (bool, int, float)):
        return _string(json.dumps(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
