"""Public pages of published results: the printable award list and the page a certificate's
QR code opens to prove it is genuine."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from competition.extensions import limiter
from competition.i18n import current_locale
from competition.models import Contest
from competition.services import certificates, charts, publication, standings
from competition.services.board import PUBLISHED, latest_publication, public_contest
from competition.web.api import award_list
from competition.web.security import VERIFY_LIMIT, failed_lookup

bp = Blueprint("awards", __name__)


@bp.get("/results/<int:contest_id>/awards")
def award_list_page(contest_id: int) -> str:
    """The published award list: per event the awardees, their prize money and the totals
    against the budget, ready to print on A4; with the public charts."""
    contest = public_contest(contest_id)
    if contest is None:
        abort(404)
    publication.settle(contest)
    published = latest_publication(contest.id) if contest.status in PUBLISHED else None
    if published is None:
        abort(404)
    document = award_list(contest, published.document, published.number)
    return render_template(
        "results/award_list.html",
        contest=contest,
        publication=published,
        document=document,
        charts=_public_charts(contest),
        locale=current_locale(),
    )


def _public_charts(contest: Contest) -> dict[int, list[Markup]]:
    """Totals and values the public may see anyway: their distribution, and a value by a
    public attribute (the orchards' net income per mu by county)."""
    return {
        event.id: charts.event_charts(standings.current_standings(event), current_locale())
        for event in contest.events
    }


@bp.get("/verify/<code>")
@limiter.limit(lambda: VERIFY_LIMIT, deduct_when=failed_lookup)
def verify(code: str) -> str | tuple[str, int]:
    found = certificates.verify(code)
    if found is None:
        return render_template("results/verify.html", found=None, code=code[:32]), 404
    return render_template("results/verify.html", found=found, code=code)
