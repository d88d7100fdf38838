"""The official documents' issuing body, date and seal (发证单位、日期、印章) per contest: what
the award list and the certificates print under, set by the organiser and audited.

A seal is an image the browser draws over the issuer's line, so only PNG and JPEG are taken
(an SVG could carry a script), recognised by their first bytes rather than by a file name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from competition.extensions import db
from competition.models import Contest
from competition.rules.messages import N_, Message, msg
from competition.services import audit
from competition.services.authority import Actor, Refused, require_role, roles_in
from competition.services.board import PUBLISHED

MAX_SEAL_BYTES = 512 * 1024
MAX_ISSUER = 200
SEAL_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def seal_type_of(data: bytes) -> str | None:
    """The MIME type of a PNG or a JPEG by its signature; None for anything else."""
    return next((kind for magic, kind in SEAL_SIGNATURES if data.startswith(magic)), None)


def _contest(actor: Actor, contest_id: int) -> tuple[Contest, str]:
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise Refused("not_found", msg(N_("no such contest")))
    return contest, require_role(actor, contest.id, ("organiser",))


def set_issuer(actor: Actor, contest_id: int, issuer: str, issued_on: date | None) -> Contest:
    """Who issues the documents (e.g. 延安市总工会) and on which date; an empty issuer or
    no date clears them."""
    contest, role = _contest(actor, contest_id)
    issuer = " ".join(issuer.split())
    if len(issuer) > MAX_ISSUER:
        raise Refused(
            "invalid", msg(N_("the issuing body is longer than {count} characters"), count=200)
        )
    before = {"issuer": contest.issuer, "issued_on": _iso(contest.issued_on)}
    contest.issuer = issuer or None
    contest.issued_on = issued_on
    audit.record(
        actor,
        "documents.issuer",
        f"contest:{contest.id}",
        role=role,
        before=before,
        after={"issuer": contest.issuer, "issued_on": _iso(issued_on)},
    )
    db.session.commit()
    return contest


def set_seal(actor: Actor, contest_id: int, data: bytes) -> Contest:
    """The seal image printed over the issuer's line: a PNG or JPEG of at most 512 KB."""
    contest, role = _contest(actor, contest_id)
    if not data:
        raise Refused("invalid", msg(N_("choose an image of the seal (PNG or JPEG)")))
    if len(data) > MAX_SEAL_BYTES:
        raise Refused(
            "invalid",
            msg(N_("the seal image is larger than {size} KB"), size=MAX_SEAL_BYTES // 1024),
        )
    kind = seal_type_of(data)
    if kind is None:
        raise Refused("invalid", msg(N_("the seal image must be a PNG or JPEG file")))
    before = _seal_facts(contest)
    contest.seal_image, contest.seal_type = data, kind
    audit.record(
        actor,
        "documents.seal",
        f"contest:{contest.id}",
        role=role,
        before=before,
        after=_seal_facts(contest),
    )
    db.session.commit()
    return contest


def remove_seal(actor: Actor, contest_id: int) -> Contest:
    contest, role = _contest(actor, contest_id)
    if contest.seal_image is None:
        return contest
    before = _seal_facts(contest)
    contest.seal_image = contest.seal_type = None
    audit.record(
        actor, "documents.seal", f"contest:{contest.id}", role=role, before=before, after=None
    )
    db.session.commit()
    return contest


def seal_for(actor: Actor | None, contest_id: int) -> tuple[bytes, str] | None:
    """The seal image and its type, for anyone once the results are published and before
    that only for the contest's organisers; None when there is none to show."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or contest.seal_image is None or contest.seal_type is None:
        return None
    if contest.status not in PUBLISHED and (
        actor is None or not roles_in(actor, contest.id) & {"admin", "organiser"}
    ):
        return None
    return contest.seal_image, contest.seal_type


def _seal_facts(contest: Contest) -> dict[str, object] | None:
    """What the audit keeps of a seal: its type, size and SHA-256 (not the image)."""
    if contest.seal_image is None:
        return None
    return {
        "type": contest.seal_type,
        "bytes": len(contest.seal_image),
        "sha256": hashlib.sha256(contest.seal_image).hexdigest(),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Signature:
    """What a document prints in its issuer's block."""

    issuer: str | None
    issued_on: date
    has_seal: bool
    dated_by_publication: bool  # no date was set: the documents carry the publication's


def signature(contest: Contest, published_at: datetime) -> Signature:
    """The issuer, the date (the one set, else the publication's day in the contest's
    time zone) and whether a seal is printed."""
    issued_on = contest.issued_on or local_date(contest, published_at)
    return Signature(
        contest.issuer, issued_on, contest.seal_image is not None, contest.issued_on is None
    )


def local_date(contest: Contest, moment: datetime) -> date:
    """The day a stored (UTC) moment falls on in the contest's time zone."""
    try:
        zone = ZoneInfo(contest.time_zone or "Asia/Shanghai")
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).date()


def missing(contest: Contest) -> list[Message]:
    """What the documents lack before they are printed, in the organiser's words."""
    lacking = []
    if not contest.issuer:
        lacking.append(msg(N_("no issuing body: the documents print a blank line to sign")))
    if contest.issued_on is None:
        lacking.append(msg(N_("no issue date: the documents carry the date of publication")))
    if contest.seal_image is None:
        lacking.append(msg(N_("no seal image: the documents leave a blank area to stamp")))
    return lacking
