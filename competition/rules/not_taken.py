"""Items an entrant did not take (a run not taken, DNI): where a rule file lets items be left
out (``items.not_taken``), a code entered for an item instead of a number says so."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from competition.rules.mark_checks import Collector
from competition.rules.messages import N_, msg
from competition.rules.numbers import canonical_mark
from competition.rules.ruleset import RuleSet

Key = tuple[str, str]  # (entrant, item)


def not_taken_code(ruleset: RuleSet, criterion: str, text: str) -> str | None:
    """The code of an item not taken that ``text`` is (``DNI``), where the file lets items be
    left out and ``criterion`` is given per item (or is empty: the item as a whole)."""
    items = ruleset.rule.items
    if items is None or items.not_taken is None:
        return None
    code = text.strip().upper()
    if code not in items.not_taken.codes:
        return None
    return code if criterion == "" or ruleset.levels.get(criterion) == "item" else None


def stored_value(ruleset: RuleSet, criterion: str, text: str) -> str:
    """The text an accepted value is stored as: ``DNI`` for dni, else :func:`canonical_mark`
    (``5`` for 05 or 5.0)."""
    return not_taken_code(ruleset, criterion, text) or canonical_mark(text)


def split_not_taken(
    ruleset: RuleSet, marks: pd.DataFrame, entrant_ids: Collection[str] | None, out: Collector
) -> tuple[pd.DataFrame, dict[Key, str]]:
    """The rows saying an item was not taken, taken out of the marks: (entrant, item) →
    code. Any other mark for such an item is an error: a run is taken or it is not. A code
    for an unknown entrant or item stays among the marks, whose checks refuse it."""
    items = ruleset.rule.items
    if items is None or items.not_taken is None or not len(marks):
        return marks, {}
    codes = marks["value"].astype(str).str.strip().str.upper()
    per_item = marks["criterion"].map(lambda c: c == "" or ruleset.levels.get(c) == "item")
    item_ids, entrants = ruleset.item_ids, set(entrant_ids) if entrant_ids is not None else None
    named = marks["item"].map(lambda i: i != "" and (item_ids is None or i in item_ids))
    listed = marks["entrant"].map(lambda e: e != "" and (entrants is None or e in entrants))
    is_code = codes.isin(items.not_taken.codes).to_numpy()
    is_code &= per_item.to_numpy() & named.to_numpy() & listed.to_numpy()
    if not is_code.any():
        return marks, {}
    rows = marks[is_code]
    found: dict[Key, str] = {}
    line_of: dict[Key, int] = {}
    for entrant, item, code, line in zip(
        rows["entrant"], rows["item"], codes[is_code], rows["line"], strict=True
    ):
        found.setdefault((entrant, item), code)
        line_of.setdefault((entrant, item), int(line))
    rest = marks[~is_code]
    keys = list(zip(rest["entrant"], rest["item"], strict=True))
    clash = np.fromiter((key in found for key in keys), dtype=bool, count=len(keys))
    for (entrant, item), line in zip(
        (k for k, c in zip(keys, clash, strict=True) if c), rest["line"][clash], strict=True
    ):
        out.add(
            [int(line)],
            "value",
            msg(
                N_(
                    "item {item} of {entrant} was not taken ({code} on line {first}): "
                    "a mark for it cannot count"
                ),
                item=item,
                entrant=entrant,
                code=found[(entrant, item)],
                first=line_of[(entrant, item)],
            ),
        )
    return rest[~clash].reset_index(drop=True), found
