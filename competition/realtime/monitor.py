"""The /monitor namespace: the chief judge's monitor page hears that an event's marking moved
(a mark, a correction, a signed sheet) and fetches its view again.

Only a signal goes out, ``changed`` with the event's id: what the page shows is rendered by
the console (the same authorisation, the same template), so the socket carries nothing a
viewer could not already open. With a message queue the signal reaches every process.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from competition.extensions import socketio
from competition.i18n import current_locale
from competition.rules.messages import N_, msg
from competition.services import monitor, notifications
from competition.services.authority import Actor, Refused
from competition.services.ids import parse_id

NAMESPACE = "/monitor"


def room_of(event_id: int) -> str:
    return f"monitor:{event_id}"


class MonitorNamespace(Namespace):  # type: ignore[misc]  # flask_socketio ships no type hints
    def on_connect(self, auth: object = None) -> None:
        wanted = auth.get("event") if isinstance(auth, dict) else request.args.get("event")
        try:
            event = monitor.watched_event(watcher(), event_number(wanted))
        except Refused as refused:
            raise ConnectionRefusedError(*answer(refused)) from None
        join_room(room_of(event.id))


def watcher() -> Actor:
    """The console user of this connection's session."""
    if not current_user.is_authenticated:
        raise Refused("unauthorised", msg(N_("sign in to watch the monitor")))
    return Actor.of_user(current_user)


def event_number(wanted: object) -> int:
    number = parse_id(wanted)
    if number is None:
        raise Refused("not_found", msg(N_("no such event")))
    return number


def answer(refused: Refused) -> tuple[str, dict[str, str]]:
    """What a refused client sees: {"message": ..., "data": {"code": ..., "message": ...}}."""
    message = refused.render(current_locale())
    return message, {"code": refused.code, "message": message}


def marking_moved(payload: dict[str, Any]) -> None:
    event_id = int(payload["event_id"])
    socketio.emit("changed", {"event_id": event_id}, namespace=NAMESPACE, to=room_of(event_id))


def listen() -> None:
    for topic in ("mark.recorded", "mark.corrected", "sheet.signed"):
        notifications.subscribe(topic, marking_moved)
