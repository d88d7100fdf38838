"""Domain events inside one process: services publish what happened after they commit,
the real-time layer subscribes. Services never import the real-time layer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], None]

LOG = logging.getLogger(__name__)
_SUBSCRIBERS: dict[str, list[Handler]] = {}


def subscribe(topic: str, handler: Handler) -> None:
    handlers = _SUBSCRIBERS.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(topic: str, handler: Handler) -> None:
    if handler in _SUBSCRIBERS.get(topic, []):
        _SUBSCRIBERS[topic].remove(handler)


def board_changed(contest_id: int) -> None:
    """The public board of a contest may look different now (entrants, codes, names,
    settings, publication); marks announce themselves."""
    publish("board.changed", {"contest_id": contest_id})


def publish(topic: str, payload: dict[str, Any]) -> None:
    """Call every subscriber; one that fails does not stop the others or undo the change."""
    for handler in list(_SUBSCRIBERS.get(topic, [])):
        try:
            handler(payload)
        except Exception:  # a listener must not break a change that is already committed
            LOG.exception("subscriber of %s failed", topic)
