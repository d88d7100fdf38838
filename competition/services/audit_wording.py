"""One audit entry in plain language: who (by name and role), what (a sentence), which
entrant, about what, before → after and why, with the raw action and subject kept for an
auditor.

While a blind contest's names are closed an entrant is only their contestant number (a
dash before the draw), as on every other screen (services/blind.py): the registration
code, which may be known, is left out of the entrant, the values and the raw subject.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from competition.extensions import db
from competition.local_time import local_time
from competition.models import Appeal, AuditEntry, Contest, Entrant, Judge, User
from competition.rules.messages import N_, translate
from competition.services import audit_sentences, blind
from competition.services.contests import ruleset_of
from competition.services.stages import STAGE_NAMES

# keys shown in the "about" column or in the entrant's, and ids only the raw record needs
ABOUT_KEYS = ("criterion", "item", "judge", "user")
NOT_SHOWN = frozenset({*ABOUT_KEYS, "entrant", "row", "mark", "assignment"})
# values that would tie a registration code or a name to a contestant number
BLIND_KEYS = {
    "entrant.add": frozenset({"code", "name", "attributes"}),
    "entrant.remove": frozenset({"code", "name", "attributes"}),
    "entrant.edit": frozenset({"name", "attributes"}),
    "appeal.record": frozenset({"appellant"}),
}
SINGLE_VALUES = ("value", "status", "mode")
_SUBJECT_PART = re.compile(r"^(contest|event|entrant|judge|item|user|appeal):(.*)$")


def when_text(at: datetime, zone: str, locale: str) -> str:
    """The one place an entry's time is written out: in the contest's zone, which the
    page's heading names."""
    return local_time(at, zone, locale, seconds=True, named=False)


ABOUT_JUDGE = N_("judge")
ABOUT_USER = N_("user")
ABOUT_CRITERION = N_("criterion")
ABOUT_ITEM = N_("item")
ABOUT_APPEAL = N_("appeal")


@dataclass(frozen=True)
class ReadableEntry:
    seq: int
    at: datetime
    when: str
    who: str
    role: str
    what: str
    entrant: str
    about: str
    before: str
    after: str
    reason: str
    action: str  # as recorded, for an auditor
    subject: str  # as recorded, but for a code hidden by blind judging
    raw_before: str
    raw_after: str


class Wording:
    """Names for one contest's entries, read once and reused for every entry of a page or
    an export."""

    def __init__(self, contest: Contest, locale: str) -> None:
        self.contest = contest
        self.locale = locale
        self.hidden = blind.names_hidden(contest, may_see_names=False)
        self.events = {event.id: event for event in contest.events}
        self.judges = dict(
            db.session.execute(
                select(Judge.id, Judge.name).where(Judge.contest_id == contest.id)
            ).all()
        )
        self._users: dict[int, str] = {}
        self._names: dict[int, dict[str, str]] = {}
        self._numbers: dict[int, dict[str, str]] = {}
        self._appeals: dict[int, tuple[int, str]] | None = None

    def _(self, text: str) -> str:
        return translate(text, self.locale)

    def read(self, entry: AuditEntry) -> ReadableEntry:
        parts = _subject_parts(entry.subject)
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        event_id = _number(parts.get("event"))
        code = parts.get("entrant") or _text(after.get("entrant") or before.get("entrant"))
        if "appeal" in parts and code is None:
            event_id, code = self._appeal(_number(parts["appeal"])) or (event_id, None)
        return ReadableEntry(
            seq=entry.seq,
            at=entry.at,
            when=when_text(entry.at, self.contest.time_zone, self.locale),
            who=self.who(entry.actor),
            role=audit_sentences.role_name(entry.role).render(self.locale),
            what=audit_sentences.sentence(entry.action).render(self.locale),
            entrant=self.entrant(event_id, code) if code else "",
            about=self._about(parts, before | after, event_id),
            before=self._values(entry.action, entry.before),
            after=self._values(entry.action, entry.after),
            reason=entry.reason or "",
            action=entry.action,
            subject=self._raw_subject(entry.subject, event_id, code),
            raw_before=_json(self._raw(entry.action, entry.before, event_id, code)),
            raw_after=_json(self._raw(entry.action, entry.after, event_id, code)),
        )

    # --- who and which entrant ---------------------------------------------------------------

    def who(self, label: str) -> str:
        """``user:2:organiser`` as the person's display name, ``judge:5:…`` as the judge's."""
        kind, _, rest = label.partition(":")
        number, _, name = rest.partition(":")
        if kind == "system" or not number.isdigit():
            return self._(N_("System")) if kind == "system" else label
        if kind == "judge":
            return self.judges.get(int(number)) or name
        return self._user(int(number)) or name

    def _user(self, user_id: int) -> str:
        if user_id not in self._users:
            user = db.session.get(User, user_id)
            self._users[user_id] = (user.display_name or user.username) if user else ""
        return self._users[user_id]

    def entrant(self, event_id: int | None, code: str) -> str:
        """The entrant as an organiser reads them elsewhere: the code and name, or while
        names are closed only the contestant number."""
        if event_id is None:
            return blind.HIDDEN if self.hidden else code
        if self.hidden:
            return self._contestant_numbers(event_id).get(code, blind.HIDDEN)
        name = self._entrant_names(event_id).get(code)
        return f"{code} {name}" if name else code

    def _entrant_names(self, event_id: int) -> dict[str, str]:
        if event_id not in self._names:
            rows = db.session.execute(
                select(Entrant.code, Entrant.name).where(Entrant.event_id == event_id)
            )
            self._names[event_id] = {str(code): str(name) for code, name in rows}
        return self._names[event_id]

    def _contestant_numbers(self, event_id: int) -> dict[str, str]:
        if event_id not in self._numbers:
            self._numbers[event_id] = blind.numbers_by_code(event_id)
        return self._numbers[event_id]

    def _appeal(self, appeal_id: int | None) -> tuple[int, str] | None:
        if self._appeals is None:
            rows = db.session.execute(
                select(Appeal.id, Appeal.event_id, Entrant.code)
                .join(Entrant, Entrant.id == Appeal.entrant_id)
                .where(Appeal.contest_id == self.contest.id)
            )
            self._appeals = {int(a): (int(e), str(c)) for a, e, c in rows}
        return self._appeals.get(appeal_id) if appeal_id is not None else None

    def _raw_subject(self, subject: str, event_id: int | None, code: str | None) -> str:
        if not self.hidden or not code or f"entrant:{code}" not in subject:
            return subject
        return subject.replace(f"entrant:{code}", f"entrant:#{self.entrant(event_id, code)}")

    def _raw(self, action: str, values: Any, event_id: int | None, code: str | None) -> Any:
        """The values as recorded, but for what blind judging hides."""
        if not self.hidden or not isinstance(values, dict):
            return values
        masked = {
            key: blind.HIDDEN if key in BLIND_KEYS.get(action, ()) else value
            for key, value in values.items()
        }
        if code and "entrant" in masked:
            masked["entrant"] = f"#{self.entrant(event_id, code)}"
        return masked

    # --- about what, and the values ------------------------------------------------------
    # (the words are constants: pybabel does not look inside f-strings)

    def _about(self, parts: dict[str, str], values: dict[str, Any], event_id: int | None) -> str:
        shown = []
        if event_id is not None and event_id in self.events and len(self.events) > 1:
            shown.append(self.events[event_id].name)
        judge = _number(parts.get("judge")) or _number(values.get("judge"))
        if judge is not None:
            shown.append(f"{self._(ABOUT_JUDGE)} {self.judges.get(judge, f'#{judge}')}")
        user = _number(parts.get("user")) or _number(values.get("user"))
        if user is not None:
            shown.append(f"{self._(ABOUT_USER)} {self._user(user) or f'#{user}'}")
        criterion = _text(values.get("criterion"))
        if criterion:
            shown.append(f"{self._(ABOUT_CRITERION)} {self._criterion(event_id, criterion)}")
        item = parts.get("item") if "item" in parts else _text(values.get("item"))
        if item:
            shown.append(f"{self._(ABOUT_ITEM)} {item}")
        elif "item" in parts:
            shown.append(self._(N_("the whole event")))
        if "appeal" in parts:
            shown.append(f"{self._(ABOUT_APPEAL)} #{parts['appeal']}")
        return " · ".join(shown)

    def _criterion(self, event_id: int | None, name: str) -> str:
        event = self.events.get(event_id) if event_id is not None else None
        if event is None:
            return name
        criterion = ruleset_of(event).rule.criteria.get(name)
        return (criterion.label or name) if criterion is not None else name

    def _values(self, action: str, values: Any) -> str:
        if values is None:
            return ""
        if not isinstance(values, dict):
            return self._value("", values, action)
        hidden = BLIND_KEYS.get(action, frozenset()) if self.hidden else frozenset()
        shown = {key: value for key, value in values.items() if key not in NOT_SHOWN}
        if len(shown) == 1 and next(iter(shown)) in SINGLE_VALUES:
            key, value = next(iter(shown.items()))
            return self._value(key, value, action)
        return "; ".join(
            f"{audit_sentences.key_name(key).render(self.locale)}: "
            + (self._(N_("(hidden until the names are opened)")) if key in hidden else "")
            + ("" if key in hidden else self._value(key, value, action))
            for key, value in shown.items()
        )

    def _value(self, key: str, value: Any, action: str) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return self._(N_("yes")) if value else self._(N_("no"))
        if key == "status" and isinstance(value, str):
            names = audit_sentences.ROUND_STATES if action.startswith("round.") else STAGE_NAMES
            return self._(names.get(value, value))
        if key == "mode" and isinstance(value, str):
            return self._(audit_sentences.BOARD_MODES.get(value, value))
        if key == "role" and isinstance(value, str):
            return audit_sentences.role_name(value).render(self.locale)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {self._value(k, v, action)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(self._value("", v, action) for v in value)
        return str(value)


def _subject_parts(subject: str) -> dict[str, str]:
    """``event:3/entrant:W01`` as ``{"event": "3", "entrant": "W01"}``."""
    parts = {}
    for piece in subject.split("/"):
        found = _SUBJECT_PART.match(piece)
        if found:
            parts[found.group(1)] = found.group(2)
    return parts


def _number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
