"""The read-only JSON API: what the public may see, for other screens and programs.

Documented in docs/api.md. Errors are JSON too: ``{"error": {"code", "message"}}`` with the
message in the reader's language (``?lang=en`` for English).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, url_for

from competition.i18n import current_locale
from competition.models import Contest
from competition.rules.messages import N_, Message, msg
from competition.services.board import (
    PUBLISHED,
    latest_publication,
    public_contest,
    public_contests,
)
from competition.services.live_boards import reader_board
from competition.services.publication import settle
from competition.web.board_text import api_response

bp = Blueprint("api", __name__, url_prefix="/api")


def error(status: int, code: str, message: Message) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message.render(current_locale())}}), status


def _contest_or_error(contest_id: int) -> Contest | tuple[Response, int]:
    contest = public_contest(contest_id)
    if contest is None:
        return error(404, "not_found", msg(N_("no such contest")))
    settle(contest)
    return contest


@bp.get("/contests")
def contests() -> Response:
    """Every contest the public may follow (all but drafts), newest first."""
    found = public_contests()
    return jsonify(
        {
            "contests": [
                {
                    "id": c.id,
                    "name": c.name,
                    "status": c.status,
                    "events": [{"id": e.id, "name": e.name} for e in c.events],
                    "live": url_for("live.board", contest_id=c.id, _external=True),
                    "standings": url_for("api.standings", contest_id=c.id, _external=True),
                    "awards": url_for("api.awards", contest_id=c.id, _external=True),
                }
                for c in found
            ]
        }
    )


@bp.get("/contests/<int:contest_id>/standings")
def standings(contest_id: int) -> Response | tuple[Response, int]:
    """The board as the live page shows it, with its version."""
    contest = _contest_or_error(contest_id)
    if not isinstance(contest, Contest):
        return contest
    cached = reader_board(contest)
    if cached is None:  # back in draft meanwhile
        return error(404, "not_found", msg(N_("no such contest")))
    return api_response(contest.id, cached)


@bp.get("/contests/<int:contest_id>/awards")
def awards(contest_id: int) -> Response | tuple[Response, int]:
    """The published award list: per event the awardees and the prize money against the
    budget; 404 until the results are published."""
    contest = _contest_or_error(contest_id)
    if not isinstance(contest, Contest):
        return contest
    publication = latest_publication(contest.id) if contest.status in PUBLISHED else None
    if publication is None:
        return error(404, "not_published", msg(N_("the results are not published yet")))
    return jsonify(award_list(contest, publication.document, publication.number))


def award_list(contest: Contest, document: dict[str, Any], revision: int) -> dict[str, Any]:
    return {
        "contest": {
            "id": contest.id,
            "name": contest.name,
            "status": contest.status,
            "time_zone": contest.time_zone,
        },
        "revision": revision,
        "publicity_ends_at": contest.publicity_ends_at.isoformat()
        if contest.publicity_ends_at
        else None,
        "events": [
            {
                "id": event["id"],
                "name": event["name"],
                "rules_version": event["rules_version"],
                "rules_sha256": event["rules_sha256"],
                "awardees": [
                    {
                        k: row[k]
                        for k in (
                            "key",
                            "label",
                            "rank",
                            "group",
                            "total",
                            "award",
                            "titles",
                            "prize",
                        )
                    }
                    for row in event["rows"]
                    if row.get("award") or row.get("titles")
                ],
                "summary": event["awards"],
            }
            for event in document["events"]
        ],
    }
