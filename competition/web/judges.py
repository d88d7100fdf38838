"""Console pages for judges: the list, new judges, QR login cards, assignments, revoking.

A judge's link exists only when it is made (the database keeps its hash), so creating a
judge or reissuing links answers with the printable cards right away.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.models import Contest, Event, Judge
from competition.services import assignments, contests, judges, pool, seats
from competition.services.authority import Refused
from competition.services.judge_cards import card_sheet
from competition.web.console import actor, contest_or_abort
from competition.web.forms import (
    AssignmentForm,
    JudgeForm,
    PoolJudgeForm,
    ReasonForm,
    SelectChoice,
)

bp = Blueprint("judges", __name__, url_prefix="/console/contests/<int:contest_id>/judges")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


def _base_url() -> str:
    return request.host_url.rstrip("/")


@bp.get("/")
def index(contest_id: int) -> str:
    contest, role = contest_or_abort(contest_id)
    return _page(contest, role, JudgeForm(), _assignment_form(contest))


def _page(
    contest: Contest,
    role: str,
    form: JudgeForm,
    assign_form: AssignmentForm,
    pool_form: PoolJudgeForm | None = None,
) -> str:
    listed = judges.contest_judges(contest.id)
    return render_template(
        "console/judges.html",
        contest=contest,
        role=role,
        judges=listed,
        form=form,
        assign_form=assign_form,
        pool_form=pool_form or _pool_form(submitted=False),
        reason_form=ReasonForm(),
        assignments={j.id: assignments.assignments_of(j.id) for j in listed},
        labels={e.id: seats.criterion_labels(e) for e in contest.events},
        event_names={e.id: e.name for e in contest.events},
    )


def _pool_form(submitted: bool = True) -> PoolJudgeForm:
    """The pool's people to choose from; ``submitted``: filled from the request."""
    form = PoolJudgeForm() if submitted else PoolJudgeForm(formdata=None)
    form.person.choices = [
        SelectChoice(p.id, " · ".join(part for part in (p.name, p.unit, p.expertise) if part))
        for p in pool.choices()
    ]
    return form


def _assignment_form(contest: Contest) -> AssignmentForm:
    form = AssignmentForm()
    form.judge.choices = [
        SelectChoice(str(j.id), j.name)
        for j in judges.contest_judges(contest.id)
        if j.revoked_at is None
    ]
    grouped = {event.name: _seat_choices(event) for event in contest.events}
    form.seat.choices = next(iter(grouped.values())) if len(grouped) == 1 else grouped
    return form


def _seat_choices(event: Event) -> list[tuple[str, str]]:
    return [
        (f"{event.id}:{seat.kind}:{seat.name}", _seat_text(seat)) for seat in seats.seats_of(event)
    ]


def _seat_text(seat: seats.Seat) -> str:
    if seat.kind == "all":
        return str(_("every judged criterion"))
    if seat.kind == "panel":
        return str(_("panel %(label)s (all its criteria)", label=seat.label))
    return seat.label


@bp.post("/")
def create(contest_id: int) -> str | Response:
    contest, role = contest_or_abort(contest_id)
    form = JudgeForm()
    if not form.validate_on_submit():
        return _page(contest, role, form, _assignment_form(contest))
    try:
        judge, token = judges.create_judge(
            actor(),
            contest.id,
            form.name.data or "",
            unit=form.unit.data or "",
            pin=form.pin.data or None,
        )
    except Refused as refused:
        form.name.errors = [refused.render(current_locale())]
        return _page(contest, role, form, _assignment_form(contest))
    return _cards(contest, [(judge, judges.login_url(_base_url(), token))])


@bp.post("/from-pool")
def add_from_pool(contest_id: int) -> str | Response:
    """A judge of the pool joins the contest, linked to their person (so their declared
    conflicts follow them), with a new login link printed at once."""
    contest, role = contest_or_abort(contest_id)
    form = _pool_form()
    if not form.validate_on_submit():
        form.person.errors = [_("Choose a judge from the pool's list.")]
        return _page(contest, role, JudgeForm(formdata=None), _assignment_form(contest), form)
    try:
        judge, token = pool.add_to_contest(
            actor(), contest.id, int(form.person.data), pin=form.pin.data or None
        )
    except Refused as refused:
        form.person.errors = [refused.render(current_locale())]
        return _page(contest, role, JudgeForm(formdata=None), _assignment_form(contest), form)
    return _cards(contest, [(judge, judges.login_url(_base_url(), token))])


@bp.post("/cards")
def reissue_all(contest_id: int) -> str | Response:
    """New links for every judge, printed as cards; the old links stop working."""
    contest, _role = contest_or_abort(contest_id)
    if not ReasonForm().validate_on_submit():
        abort(400)
    try:
        issued = judges.reissue_all(actor(), contest.id)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
        return redirect(url_for("judges.index", contest_id=contest.id))
    return _cards(contest, [(j, judges.login_url(_base_url(), t)) for j, t in issued])


@bp.post("/<int:judge_id>/card")
def reprint(contest_id: int, judge_id: int) -> str | Response:
    """One judge's card printed again. Links are stored only as hashes, so the card carries
    a new link for this judge alone (their old card stops working, audited); every other
    judge's card stays valid."""
    contest, _role = contest_or_abort(contest_id)
    if not ReasonForm().validate_on_submit():
        abort(400)
    try:
        judge = judges.judge_of_contest(judge_id, contest.id)
        token = judges.reissue_token(actor(), judge.id)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
        return redirect(url_for("judges.index", contest_id=contest.id))
    return _cards(contest, [(judge, judges.login_url(_base_url(), token))], reprinted=judge)


def _cards(
    contest: Contest, issued: list[tuple[Judge, str]], reprinted: Judge | None = None
) -> str:
    return render_template(
        "console/judge_cards.html",
        contest=contest,
        cards=card_sheet(contest, issued),
        reprinted=reprinted,
    )


@bp.post("/<int:judge_id>/revoke")
def revoke(contest_id: int, judge_id: int) -> Response:
    contest_or_abort(contest_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            judges.revoke(actor(), judge_id, form.reason.data or "")
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The judge's link no longer works."))
    return redirect(url_for("judges.index", contest_id=contest_id))


@bp.post("/assignments")
def assign(contest_id: int) -> Response:
    contest, _role = contest_or_abort(contest_id)
    form = _assignment_form(contest)
    if not form.validate_on_submit():
        flash(_("Choose a judge and what they mark from the lists."), "error")
        return redirect(url_for("judges.index", contest_id=contest_id))
    event, kind, name = str(form.seat.data).split(":", 2)  # one of the choices offered
    try:
        entrant_id = contests.entrant_id(int(event), form.entrant.data or "")
        judge_id, event_id = int(form.judge.data), int(event)
        override = form.override.data or ""
        if kind == "panel":
            assignments.assign_panel(actor(), judge_id, event_id, name, entrant_id, override)
        else:
            assignments.assign(actor(), judge_id, event_id, name, entrant_id, override)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("Assigned."))
    return redirect(url_for("judges.index", contest_id=contest_id))


@bp.post("/assignments/<int:assignment_id>/remove")
def unassign(contest_id: int, assignment_id: int) -> Response:
    """Unseat a judge from what they were assigned (refused once they have marked under it)."""
    contest_or_abort(contest_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            assignments.unassign(actor(), assignment_id, contest_id)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The assignment is removed."))
    return redirect(url_for("judges.index", contest_id=contest_id))
