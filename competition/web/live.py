"""The public live board of a contest: the phone view and the big-screen view.

Both pages carry the board as it stands (and its version) in the page, so they show the
standings before the socket connects; static/js/live_board.js (with the live_*.js files it
starts) keeps them up to date.
"""

from __future__ import annotations

import functools

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from competition.i18n import current_locale
from competition.models import Contest
from competition.services.authority import Refused
from competition.services.board import public_contest
from competition.services.ceremony import ceremony_slides
from competition.services.judge_cards import qr_svg
from competition.services.live_boards import reader_board
from competition.web.board_text import page_data

bp = Blueprint("live", __name__)

PAGE_SECONDS = 10  # how long the big screen shows one page of a long list
PAGE_SECONDS_RANGE = (2, 120)


@bp.get("/live/<int:contest_id>")
def board(contest_id: int) -> str | tuple[str, int]:
    contest = public_contest(contest_id)
    if contest is None:
        return missing()
    return _render("live/board.html", contest)


@bp.get("/live/<int:contest_id>/screen")
def screen(contest_id: int) -> str | tuple[str, int]:
    """The projector's view; ``?seconds=`` sets how long each page of a long list stays,
    ``?mode=ceremony`` shows the award ceremony instead (once the results are published)."""
    contest = public_contest(contest_id)
    if contest is None:
        return missing()
    mode = request.args.get("mode", "")
    if mode == "ceremony":
        return ceremony(contest)
    if mode:
        return _refused(contest, _("There is no such view of the big screen."), 400)
    phone_url = url_for("live.board", contest_id=contest.id, _external=True)
    low, high = PAGE_SECONDS_RANGE
    seconds = min(max(request.args.get("seconds", PAGE_SECONDS, type=int), low), high)
    return _render(
        "live/screen.html", contest, phone_url=phone_url, qr=_phone_qr(phone_url), seconds=seconds
    )


def ceremony(contest: Contest) -> str | tuple[str, int]:
    """The award ceremony: the published award list revealed tier by tier, lowest first,
    each key press of the presenter's clicker the next tier."""
    try:
        slides = ceremony_slides(contest)
    except Refused as refused:
        if refused.code == "not_published":  # a sentence for the hall, not a fragment
            closed = _("The award ceremony opens once the results are published.")
            return _refused(contest, closed, 409)
        return _refused(contest, refused.render(current_locale()), 409)
    return render_template("live/ceremony.html", contest=contest, slides=slides)


def _refused(contest: Contest, message: str, status: int) -> tuple[str, int]:
    page = render_template("live/screen_refused.html", contest=contest, message=message)
    return page, status


@functools.lru_cache(maxsize=64)
def _phone_qr(phone_url: str) -> str:
    """The big screen's QR code of the phone page, drawn once per URL: every screen shows the
    same one, and drawing it per request took a sixth of the event loop with 200 readers."""
    return qr_svg(phone_url)


def missing() -> tuple[str, int]:
    """An unknown contest, or one still in draft: the public may not know it exists."""
    return render_template("live/missing.html"), 404


def _render(template: str, contest: Contest, **context: object) -> str | tuple[str, int]:
    current = reader_board(contest)
    if current is None:  # back in draft meanwhile
        return missing()
    return render_template(
        template,
        contest=contest,
        live_data=page_data(contest.id, current),
        standings_url=url_for("api.standings", contest_id=contest.id),
        **context,
    )
