"""Console pages for blind judging (加密): draw the codes, print the sealed mapping, unblind."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services import blind
from competition.services.authority import Refused
from competition.web.console import actor, contest_or_abort, event_or_abort
from competition.web.forms import ReasonForm

bp = Blueprint("blind", __name__, url_prefix="/console/contests/<int:contest_id>/blind")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


@bp.get("/")
def index(contest_id: int) -> str:
    contest, role = contest_or_abort(contest_id)
    draws = {event.id: blind.current_draw(event.id) for event in contest.events}
    return render_template(
        "console/blind.html", contest=contest, role=role, draws=draws, form=ReasonForm()
    )


def _back(contest_id: int) -> Response:
    return redirect(url_for("blind.index", contest_id=contest_id))


@bp.post("/events/<int:event_id>/draw")
def draw(contest_id: int, event_id: int) -> Response:
    event_or_abort(contest_id, event_id)
    if ReasonForm().validate_on_submit():
        try:
            drawn = blind.draw(actor(), event_id)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Codes drawn with seed %(seed)s.", seed=drawn.seed))
    return _back(contest_id)


@bp.post("/events/<int:event_id>/mapping")
def mapping(contest_id: int, event_id: int) -> str | Response:
    """The sealed mapping, for the supervisors' envelope: a POST, because every look at it is
    written to the audit log."""
    contest, event, _role = event_or_abort(contest_id, event_id)
    if not ReasonForm().validate_on_submit():
        return _back(contest_id)
    try:
        rows = blind.sealed_mapping(actor(), event.id)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
        return _back(contest_id)
    return render_template(
        "console/blind_mapping.html",
        contest=contest,
        event=event,
        rows=rows,
        draw=blind.current_draw(event.id),
    )


@bp.post("/unblind")
def unblind(contest_id: int) -> Response:
    contest_or_abort(contest_id)
    if ReasonForm().validate_on_submit():
        try:
            blind.unblind(actor(), contest_id)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Names are open now."))
    return _back(contest_id)
