"""Public pages of published results: the printable award list, the seal it is printed
under, and the page a certificate's QR code opens to prove it is genuine."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from competition.extensions import limiter
from competition.i18n import current_locale
from competition.models import Contest
from competition.services import (
    award_frames,
    award_lists,
    certificates,
    charts,
    documents,
    publication,
    standings,
)
from competition.services.authority import Actor
from competition.services.board import PUBLISHED, latest_publication, public_contest
from competition.services.person_ids import public_token
from competition.web.security import VERIFY_LIMIT, failed_lookup

bp = Blueprint("awards", __name__)


@bp.app_template_filter("money")
def money(value: Decimal | Fraction | str | None, currency: str = "元") -> str:
    """An amount as documents print it: 5,000 元 (¥5,000 in English)."""
    return award_frames.money(value, current_locale(), currency)


@bp.app_template_filter("document_date")
def document_date(day: date) -> str:
    return award_frames.document_date(day, current_locale())


@bp.app_template_global("seal_url")
def seal_url(contest: Contest) -> str | None:
    """Where the contest's seal image is served; its hash in the query so a new seal is
    never hidden by an old one in the cache."""
    if contest.seal_image is None:
        return None
    version = hashlib.sha256(contest.seal_image).hexdigest()[:12]
    return url_for("awards.seal", contest_id=contest.id, v=version)


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
    return render_template(
        "results/award_list.html",
        contest=contest,
        publication=published,
        events=award_lists.printed_award_list(contest, published.document),
        signature=documents.signature(contest, published.published_at),
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


@bp.get("/results/<int:contest_id>/seal")
def seal(contest_id: int) -> Response:
    """The seal image: public once the results are published, before that only for the
    contest's organisers (who see it in the console)."""
    viewer = Actor.of_user(current_user) if current_user.is_authenticated else None
    found = documents.seal_for(viewer, contest_id)
    if found is None:
        abort(404)
    data, kind = found
    answer = Response(data, mimetype=kind)
    answer.headers["Cache-Control"] = "private, max-age=300"
    answer.headers["Content-Disposition"] = "inline"
    return answer


@bp.get("/verify/<code>")
@limiter.limit(lambda: VERIFY_LIMIT, deduct_when=failed_lookup)
def verify(code: str) -> str | tuple[str, int]:
    found = certificates.verify(code)
    if found is None:
        return render_template("results/verify.html", found=None, code=code[:32]), 404
    signature = documents.signature(found.contest, found.certificate.issued_at)
    person_id = found.entrant.person_id
    return render_template(
        "results/verify.html",
        found=found,
        code=code,
        signature=signature,
        person_token=public_token(person_id) if person_id is not None else None,
    )
