"""Ids as clients send them (a URL, a socket payload, a form): a whole number either database
can hold, or nothing, so a number of twenty digits is "not found", never an overflow."""

from __future__ import annotations

# PostgreSQL's integer: the smallest id column of the two databases
MAX_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """``value`` as an id (an int, or its decimal text), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None
