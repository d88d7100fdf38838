"""People and their record: the console's person page, the JSON export and erasure (PIPL),
linking an entrant to a person, and the public page a certificate's verification links to."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response as Redirect

from competition.extensions import limiter
from competition.i18n import current_locale
from competition.models import Contest, Entrant, Event
from competition.services import entrant_lists, entrants, person_matches, person_record
from competition.services import people as people_service
from competition.services.authority import Refused
from competition.services.person_ids import masked_id, person_of_token
from competition.web.console import STAGE_NAMES, actor, event_or_abort
from competition.web.forms import EraseForm, LinkForm, PersonForm
from competition.web.security import VERIFY_LIMIT, failed_lookup

bp = Blueprint("people", __name__)


def _record_or_abort(person_id: int) -> person_record.Record:
    try:
        return person_record.person_record(actor(), person_id)
    except Refused:
        abort(404)


@bp.get("/console/people/<int:person_id>")
@login_required
def person(person_id: int) -> str:
    record = _record_or_abort(person_id)
    return render_template(
        "console/person.html",
        record=record,
        erase_form=EraseForm(),
        is_admin=actor().is_admin,
        stage_names=STAGE_NAMES,
    )


@bp.get("/console/people/<int:person_id>/export")
@login_required
def export(person_id: int) -> Response:
    try:
        data = person_record.export_person(actor(), person_id)
    except Refused:
        abort(404)
    answer = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    answer.headers["Content-Disposition"] = f"attachment; filename=person-{person_id}.json"
    return answer


@bp.post("/console/people/<int:person_id>/erase")
@login_required
def erase(person_id: int) -> Redirect:
    form = EraseForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the erasure (the person's request)."), "error")
        return redirect(url_for("people.person", person_id=person_id))
    try:
        people_service.erase_person(actor(), person_id, form.reason.data or "")
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("The person's name, unit and ID number are erased; their results are kept."))
    return redirect(url_for("people.person", person_id=person_id))


EVENT = "/console/contests/<int:contest_id>/events/<int:event_id>/entrants"
ENTRANT = EVENT + "/<code>/person"
IMPORTED_ROWS = "imported_rows"  # the session's note of the last import's near matches


def note_imported_rows(event_id: int, rows: dict[str, int]) -> None:
    """Keep which sheet row each near match of an import came from, for the matches page."""
    session[IMPORTED_ROWS] = {"event": event_id, "rows": rows}


@bp.get(EVENT + "/matches")
@login_required
def matches(contest_id: int, event_id: int) -> str:
    """The entrants who may be people on record (same name and unit, no ID number to
    decide): for each, link to that person or keep them apart as someone new."""
    contest, event, role = event_or_abort(contest_id, event_id)
    noted = session.get(IMPORTED_ROWS) or {}
    return render_template(
        "console/entrant_matches.html",
        contest=contest,
        event=event,
        role=role,
        matches=person_matches.pending_matches(event),
        rows=noted.get("rows", {}) if noted.get("event") == event.id else {},
        masked_id=masked_id,
        link_form=LinkForm(),
        person_form=PersonForm(),
        may_link=role in ("admin", "organiser"),
        locale=current_locale(),
    )


def _back(contest_id: int, event_id: int, code: str) -> str:
    """Where a link or a new person returns: the matches page it was made from, or the
    entrant's person page."""
    if request.form.get("back") == "matches":
        return url_for("people.matches", contest_id=contest_id, event_id=event_id)
    return url_for("people.entrant_person", contest_id=contest_id, event_id=event_id, code=code)


def _entrant(contest_id: int, event_id: int, code: str) -> tuple[Entrant, Contest, Event, str]:
    contest, event, role = event_or_abort(contest_id, event_id)
    entrant = entrants.entrant_by_code(event.id, code)
    if entrant is None:
        abort(404)
    return entrant, contest, event, role


@bp.get(ENTRANT)
@login_required
def entrant_person(contest_id: int, event_id: int, code: str) -> str:
    """Who an entrant is: the people of the same name to pick from, or a new one."""
    entrant, contest, event, role = _entrant(contest_id, event_id, code)
    form = PersonForm(name=entrant.name, unit=people_service.unit_of(entrant.attributes or {}))
    return render_template(
        "console/entrant_person.html",
        contest=contest,
        event=event,
        role=role,
        entrant=entrant,
        linked=entrant_lists.people_of([entrant]).get(entrant.person_id or 0),
        candidates=people_service.people_named(entrant.name),
        masked_id=masked_id,
        form=form,
        link_form=LinkForm(),
    )


@bp.post(ENTRANT + "/link")
@login_required
def link(contest_id: int, event_id: int, code: str) -> Redirect:
    entrant, *_rest = _entrant(contest_id, event_id, code)
    form = LinkForm()
    here = _back(contest_id, event_id, code)
    if not form.validate_on_submit():
        flash(_("Pick a person."), "error")
        return redirect(here)
    try:
        people_service.link_entrant(actor(), entrant.id, form.person.data or None)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
        return redirect(here)
    flash(_("The entrant %(code)s is linked.", code=code))
    return redirect(here)


@bp.post(ENTRANT + "/new")
@login_required
def new_person(contest_id: int, event_id: int, code: str) -> Redirect:
    entrant, *_rest = _entrant(contest_id, event_id, code)
    form = PersonForm()
    here = _back(contest_id, event_id, code)
    if not form.validate_on_submit():
        flash(_("A name is needed."), "error")
        return redirect(here)
    try:
        name, unit, id_number = form.name.data or "", form.unit.data or "", form.id_number.data
        people_service.link_new_person(actor(), entrant.id, name, unit, id_number or "")
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
        return redirect(here)
    flash(_("The entrant %(code)s is linked.", code=code))
    return redirect(here)


@bp.get("/people/<token>")
@limiter.limit(lambda: VERIFY_LIMIT, deduct_when=failed_lookup)
def public(token: str) -> str | tuple[str, int]:
    """The public, verifiable part of a person's record: masked name, awards, titles and
    the certificates with their verification links."""
    person_id = person_of_token(token)
    if person_id is None:
        return render_template("public/person.html", record=None), 404
    try:
        record = person_record.person_record(None, person_id)
    except Refused:
        return render_template("public/person.html", record=None), 404
    return render_template("public/person.html", record=record)
