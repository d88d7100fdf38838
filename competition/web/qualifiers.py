"""Console actions on a final's qualifiers: declare one, withdraw it, carry by hand. The
section itself is drawn on the event's entrant page (competition.web.entrants)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services import qualifiers
from competition.services.authority import Refused
from competition.web.console import actor, event_or_abort
from competition.web.forms import QualifierForm, ReasonForm

bp = Blueprint(
    "qualifiers",
    __name__,
    url_prefix="/console/contests/<int:contest_id>/events/<int:event_id>/qualifiers",
)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


def _back(contest_id: int, event_id: int) -> Response:
    url = url_for("entrants.index", contest_id=contest_id, event_id=event_id)
    return redirect(f"{url}#qualifiers")


@bp.post("/")
def declare(contest_id: int, event_id: int) -> Response:
    _contest, event, _role = event_or_abort(contest_id, event_id)
    form = QualifierForm()
    form.source.choices = []
    if not form.validate_on_submit() or form.source.data is None:
        flash(_("Choose the earlier event, and top N as a whole number or a tier."), "error")
        return _back(contest_id, event_id)
    try:
        qualifiers.declare(actor(), event.id, form.source.data, form.top.data, form.tier.data)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("Qualifier declared: its entrants are carried over when it is published."))
    return _back(contest_id, event_id)


@bp.post("/<int:qualifier_id>/remove")
def remove(contest_id: int, event_id: int, qualifier_id: int) -> Response:
    _contest, event, _role = event_or_abort(contest_id, event_id)
    if ReasonForm().validate_on_submit():
        try:
            qualifiers.remove(actor(), event.id, qualifier_id)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Qualifier withdrawn; the entrants it carried stay."))
    return _back(contest_id, event_id)


@bp.post("/<int:qualifier_id>/carry")
def carry(contest_id: int, event_id: int, qualifier_id: int) -> Response:
    _contest, event, _role = event_or_abort(contest_id, event_id)
    if ReasonForm().validate_on_submit():
        try:
            count = qualifiers.carry_now(actor(), event.id, qualifier_id)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Entrants carried over: %(count)s.", count=count))
    return _back(contest_id, event_id)
