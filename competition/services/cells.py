"""Spreadsheet cells written from user text: escaped against formula injection."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@")


def escape_cell(text: str) -> str:
    """A cell that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe, so a
    spreadsheet shows it as text instead of running it."""
    return "'" + text if text.startswith(_FORMULA_START) else text
