"""The /judge namespace: a judge's tablet reads its sheets, sends marks and signs them off,
and hears of the chief judge's corrections. Each handler parses, calls one service, acks."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from flask import session
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from competition.extensions import socketio
from competition.models import Judge
from competition.rules.messages import DEFAULT_LOCALE, LOCALES, N_, Message, msg
from competition.services import judges, marks, notifications, scoring
from competition.services.authority import Actor, Refused
from competition.services.ids import parse_id
from competition.services.marks import MarkInput

NAMESPACE = "/judge"
KEY_LENGTH = 64
TEXT_LENGTH = 200
VALUE_LENGTH = 32
CORRECTED_FIELDS = ("mark_id", "event_id", "entrant", "item", "criterion", "value", "reason")
RECHECK_FIELDS = ("event_id", "entrant", "item", "criterion", "note")

Ack = dict[str, object]


class JudgeNamespace(Namespace):  # type: ignore[misc]  # flask_socketio ships no type hints
    def trigger_event(self, event: str, *args: Any) -> Any:
        """A mark, what tablets send most, is answered in an application context with the
        session Flask-SocketIO kept at connect, not in a request context rebuilt for it:
        pushing one decodes and verifies the session cookie and matches the URL again, a
        tenth of the server's time per mark with twenty tablets at full speed. Every other
        event, and a mark before the connection's session is kept, goes Flask-SocketIO's way."""
        if event == "mark" and len(args) == 2:
            environ = self.server.get_environ(args[0], namespace=self.namespace)
            kept = environ.get("saved_session") if environ else None
            if kept is not None:
                with environ["flask.app"].app_context():
                    try:
                        return mark_answer(args[1], kept)
                    except Exception as error:  # answered as Flask-SocketIO's way would
                        return self._failed(error)
        return super().trigger_event(event, *args)

    def _failed(self, error: Exception) -> Any:
        socketio = self.socketio
        handler = socketio.exception_handlers.get(
            self.namespace, socketio.default_exception_handler
        )
        if handler is None:
            raise error
        return handler(error)

    def on_connect(self, auth: object = None) -> None:
        """``auth`` may name the judge the tablet's page is for ({"judge_id": 3}): a page
        whose browser has since signed in as another judge is refused, so its waiting marks
        are never sent in the other judge's name."""
        try:
            judge = signed_in()
            if isinstance(auth, dict) and auth.get("judge_id", judge.id) != judge.id:
                raise Refused(
                    "other_judge",
                    msg(N_("this tablet is now signed in as another judge: open your link again")),
                )
        except Refused as refused:
            # the client sees {"message": ..., "data": {"code": ..., "message": ...}}
            answer = refusal(refused)
            raise ConnectionRefusedError(answer["message"], answer) from None
        join_room(room_of(judge.id))

    def on_sheet(self, data: object = None) -> Ack:
        try:
            sheets = scoring.judge_sheets(signed_in())
        except Refused as refused:
            return {"ok": False, **refusal(refused)}
        return {"ok": True, "sheets": [sheet_json(sheet) for sheet in sheets]}

    def on_mark(self, data: object = None) -> Ack:
        return mark_answer(data, session)

    def on_sign(self, data: object = None) -> Ack:
        try:
            event_id = parse_fields(data, {"event_id"}, set())["event_id"]
            signoff = scoring.sign_sheet(actor_of(signed_in()), whole_number("event_id", event_id))
        except Refused as refused:
            return {"ok": False, **refusal(refused)}
        return {
            "ok": True,
            "event_id": signoff.event_id,
            "signed_at": signoff.signed_at.isoformat(),
        }


def mark_answer(data: object, kept: Mapping[str, Any]) -> Ack:
    """Record one mark for the judge of the session ``kept``; the answer to send back."""
    key = data.get("key") if isinstance(data, dict) else None
    try:
        event_id, mark = parse_mark(data)
        judge_id, link = session_judge(kept)
        # the link is checked in the mark's own transaction: no query before it queues
        stored = marks.record_mark(Actor("judge", judge_id, ""), event_id, mark, link=link)
    except Refused as refused:
        echoed = key if isinstance(key, str) and len(key) <= KEY_LENGTH else None
        return {"ok": False, "key": echoed, **refusal(refused, kept)}
    return {"ok": True, "key": key, "mark_id": stored.id, "value": stored.value}


def room_of(judge_id: int) -> str:
    return f"judge:{judge_id}"


def signed_in() -> Judge:
    """The judge of this connection's session, as long as their link still stands."""
    return judges.signed_in_judge(*session_judge())


def session_judge(kept: Mapping[str, Any] | None = None) -> tuple[int, str]:
    """The judge and the link hash this connection's session (or ``kept``) was opened with
    (whether the link still stands is the service's to check)."""
    opened = session if kept is None else kept
    if "judge_id" not in opened or "judge_link" not in opened:
        raise Refused("unauthorised", msg(N_("open your judge link to sign in")))
    return int(opened["judge_id"]), str(opened["judge_link"])


def actor_of(judge: Judge) -> Actor:
    return Actor("judge", judge.id, judge.name)


def locale(kept: Mapping[str, Any] | None = None) -> str:
    chosen = (session if kept is None else kept).get("lang")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def refusal(refused: Refused, kept: Mapping[str, Any] | None = None) -> dict[str, str]:
    return {"code": refused.code, "message": refused.render(locale(kept))}


def sheet_json(sheet: scoring.JudgeSheet) -> dict[str, Any]:
    data = asdict(sheet)
    data["signed_at"] = sheet.signed_at.isoformat() if sheet.signed_at else None
    return data


# --- payloads ---------------------------------------------------------------------------------


def malformed(message: Message) -> Refused:
    return Refused("malformed", message)


def parse_fields(data: object, required: set[str], optional: set[str]) -> dict[str, object]:
    """The payload as a dict with every required field and nothing unknown."""
    if (
        not isinstance(data, dict)
        or not required <= data.keys()
        or not data.keys() <= required | optional
    ):
        expected = ", ".join(sorted(required) + [f"[{name}]" for name in sorted(optional)])
        raise malformed(
            msg(N_("malformed message: expected an object with {fields}"), fields=expected)
        )
    return {str(name): value for name, value in data.items()}


def parse_mark(data: object) -> tuple[int, MarkInput]:
    fields = parse_fields(data, {"key", "event_id", "entrant", "criterion", "value"}, {"item"})
    key = text("key", fields["key"], KEY_LENGTH)
    if not key:
        raise malformed(msg(N_("malformed message: '{field}' must not be empty"), field="key"))
    return whole_number("event_id", fields["event_id"]), MarkInput(
        entrant=text("entrant", fields["entrant"], TEXT_LENGTH),
        criterion=text("criterion", fields["criterion"], TEXT_LENGTH),
        value=mark_value(fields["value"]),
        item=text("item", fields.get("item", ""), TEXT_LENGTH),
        idempotency_key=key,
    )


def text(name: str, value: object, length: int) -> str:
    if not isinstance(value, str) or len(value) > length:
        raise malformed(
            msg(
                N_("malformed message: '{field}' must be text of at most {length} characters"),
                field=name,
                length=length,
            )
        )
    return value


def whole_number(name: str, value: object) -> int:
    """An id the payload names (an event's): a whole number either database can hold."""
    number = parse_id(value) if isinstance(value, int) else None
    if number is None:
        raise malformed(msg(N_("malformed message: '{field}' must be a whole number"), field=name))
    return number


def mark_value(value: object) -> str:
    """A value as the tablet sent it: text as it is, a number as its shortest decimal form."""
    if isinstance(value, str) and len(value) <= VALUE_LENGTH:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    raise malformed(
        msg(N_("malformed message: '{field}' must be a number or short text"), field="value")
    )


# --- the chief judge's corrections reach the judge ------------------------------------------------


def pass_on_correction(payload: dict[str, Any]) -> None:
    judge_id = payload.get("judge_id")
    if judge_id is None:  # a corrected measurement has no judge to tell
        return
    socketio.emit(
        "corrected",
        {name: payload.get(name) for name in CORRECTED_FIELDS},
        namespace=NAMESPACE,
        to=room_of(int(judge_id)),
    )


def pass_on_recheck(payload: dict[str, Any]) -> None:
    """The chief judge asks the judge to look at a mark again."""
    socketio.emit(
        "recheck",
        {name: payload.get(name) for name in RECHECK_FIELDS},
        namespace=NAMESPACE,
        to=room_of(int(payload["judge_id"])),
    )


def listen() -> None:
    notifications.subscribe("mark.corrected", pass_on_correction)
    notifications.subscribe("mark.recheck", pass_on_recheck)
