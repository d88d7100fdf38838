"""What changed between two public boards, and a board brought up to date by a change: the
`diff` messages of the /live namespace (docs/protocol.md, "The live namespace")."""

from __future__ import annotations

from typing import Any


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed between two boards: the contest's head when it changed, and per event
    the rows that are new or changed, the keys gone and the new order when it changed."""
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
        entry: dict[str, Any] = {
            "id": event["id"],
            "rows": [r for k, r in new_rows.items() if old_rows.get(k) != r],
            "removed": [k for k in old_rows if k not in new_rows],
        }
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
        keys = entry.get("order") or [r["key"] for r in event["rows"] if r["key"] in rows]
        event = event | {"rows": [rows[k] for k in keys]}
        events[entry["id"]] = event
    result["events"] = [events[i] for i in order]
    return result
