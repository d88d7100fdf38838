"""What changed between two public boards, and a board brought up to date by a change: the
`diff` messages of the /live namespace (docs/protocol.md, "The live namespace")."""

from __future__ import annotations

from typing import Any


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed between two boards: the contest's head when it changed, and per event
    the rows that are new (whole), the fields that changed in the others, the keys gone and
    the new order when it changed."""
    head = {k: v for k, v in new.items() if k != "events"}
    change: dict[str, Any] = {}
    if head != {k: v for k, v in old.items() if k != "events"}:
        change["head"] = head
    before = {e["id"]: e for e in old.get("events", [])}
    events = []
    for event in new["events"]:
        previous = before.get(event["id"])
        if previous == event:
            continue
        if previous is None:
            events.append({"id": event["id"], "replace": event})
            continue
        old_rows = {r["key"]: r for r in previous["rows"]}
        new_rows = {r["key"]: r for r in event["rows"]}
        whole, patches = _changed_rows(old_rows, new_rows)
        entry: dict[str, Any] = {
            "id": event["id"],
            "rows": whole,
            "removed": [k for k in old_rows if k not in new_rows],
        }
        if patches:
            entry["patch"] = patches
        order = [r["key"] for r in event["rows"]]
        if order != [r["key"] for r in previous["rows"]]:
            entry["order"] = order
        rest = {k: v for k, v in event.items() if k != "rows"}
        if rest != {k: v for k, v in previous.items() if k != "rows"}:
            entry["event"] = rest
        events.append(entry)
    if events:
        change["events"] = events
    return change


def _changed_rows(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows that are new (whole) and rows that changed (only their key and the fields that
    changed: a mark that moves one entrant moves the rank of every entrant it passes, and a
    rank is a few bytes where a row is hundreds)."""
    whole: list[dict[str, Any]] = []
    patches: list[dict[str, Any]] = []
    for key, row in new.items():
        before = old.get(key)
        if before is row or before == row:  # the live board hands an unchanged row out again
            continue
        if before is None or before.keys() != row.keys():
            whole.append(row)
            continue
        patches.append({"key": key} | {f: v for f, v in row.items() if before[f] != v})
    return whole, patches


def apply_diff(board: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The board a viewer holds after a diff (what the page's script does, for tests and
    for clients written in Python)."""
    result = dict(board)
    if "head" in change:
        result = change["head"] | {"events": board["events"]}
    events = {e["id"]: dict(e) for e in board["events"]}
    order = [e["id"] for e in board["events"]]
    for entry in change.get("events", []):
        if "replace" in entry:
            events[entry["id"]] = entry["replace"]
            if entry["id"] not in order:
                order.append(entry["id"])
            continue
        event = events[entry["id"]]
        if "event" in entry:
            event = entry["event"] | {"rows": event["rows"]}
        rows = {r["key"]: r for r in event["rows"]}
        for key in entry.get("removed", []):
            rows.pop(key, None)
        for row in entry.get("rows", []):
            rows[row["key"]] = row
        for patch in entry.get("patch", []):
            rows[patch["key"]] = rows[patch["key"]] | patch
        keys = entry.get("order") or [r["key"] for r in event["rows"] if r["key"] in rows]
        event = event | {"rows": [rows[k] for k in keys]}
        events[entry["id"]] = event
    result["events"] = [events[i] for i in order]
    return result
