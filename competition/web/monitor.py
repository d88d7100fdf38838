"""The chief judge's live monitor: judges × entrants progress, marks far from their panel's
median, and a request to a judge to look at a mark again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services import monitor as monitoring
from competition.services.authority import Refused
from competition.web.console import actor, event_or_abort
from competition.web.forms import CorrectionForm, RecheckForm

bp = Blueprint(
    "monitor",
    __name__,
    url_prefix="/console/contests/<int:contest_id>/events/<int:event_id>/monitor",
)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


@bp.get("/")
def index(contest_id: int, event_id: int) -> str:
    return render_monitor("console/monitor.html", contest_id, event_id)


@bp.get("/live")
def live(contest_id: int, event_id: int) -> str:
    """The monitor's live part alone: the page fetches it when its socket says the marking
    moved (realtime/monitor.py)."""
    return render_monitor("console/_monitor_live.html", contest_id, event_id)


def render_monitor(template: str, contest_id: int, event_id: int) -> str:
    contest, event, role = event_or_abort(contest_id, event_id)
    try:
        view = monitoring.monitor(actor(), event.id)
    except Refused:
        abort(403)
    return render_template(
        template,
        contest=contest,
        event=event,
        role=role,
        view=view,
        form=RecheckForm(),
        correction=CorrectionForm(),
    )


@bp.post("/recheck")
def recheck(contest_id: int, event_id: int) -> Response:
    event_or_abort(contest_id, event_id)
    form = RecheckForm()
    if form.validate_on_submit():
        try:
            monitoring.request_recheck(
                actor(),
                event_id,
                form.judge.data or 0,
                form.entrant.data or "",
                form.item.data or "",
                form.criterion.data or "",
                form.note.data or "",
            )
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The judge has been asked to look again."))
    return redirect(url_for("monitor.index", contest_id=contest_id, event_id=event_id))


@bp.post("/correct")
def correct(contest_id: int, event_id: int) -> Response:
    """The chief judge corrects a signed (or any) mark: a new mark with the reason."""
    event_or_abort(contest_id, event_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            monitoring.correct_cell(
                actor(),
                event_id,
                form.judge.data or 0,
                form.entrant.data or "",
                form.item.data or "",
                form.criterion.data or "",
                form.value.data or "",
                form.reason.data or "",
            )
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Corrected; the judge sees the correction."))
    else:
        flash(_("A correction needs the cell, the new value and a reason."), "error")
    return redirect(url_for("monitor.index", contest_id=contest_id, event_id=event_id))
