"""The judges' pool page: the programme's judges with their unit and expertise, a search,
a person added, and each one's declared conflicts of interest (回避) added or withdrawn."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services import pool
from competition.services.authority import Refused
from competition.web.console import actor
from competition.web.forms import ConflictForm, PoolPersonForm, ReasonForm

bp = Blueprint("pool", __name__, url_prefix="/console/judges-pool")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


@bp.get("/")
def index() -> str:
    return _page(PoolPersonForm(formdata=None))


def _page(form: PoolPersonForm) -> str:
    search = request.args.get("q", "")[:200]
    try:
        members = pool.members(actor(), search)
    except Refused:
        abort(403)
    named = pool.person_names(
        {c.person_id for m in members for c in m.conflicts if c.person_id is not None}
    )
    return render_template(
        "console/judges_pool.html",
        members=members,
        named=named,
        search=search,
        form=form,
        conflict_form=ConflictForm(formdata=None),
        reason_form=ReasonForm(),
    )


@bp.post("/")
def add() -> str | Response:
    form = PoolPersonForm()
    if not form.validate_on_submit():
        return _page(form)
    try:
        pool.add_person(
            actor(), form.name.data or "", form.unit.data or "", form.expertise.data or ""
        )
    except Refused as refused:
        if refused.code == "forbidden":
            abort(403)
        form.name.errors = [refused.render(current_locale())]
        return _page(form)
    flash(_("%(name)s is in the judges' pool.", name=form.name.data))
    return redirect(url_for("pool.index"))


@bp.post("/<int:person_id>/conflicts")
def declare(person_id: int) -> Response:
    form = ConflictForm()
    if not form.validate_on_submit():
        flash(_("A conflict of interest needs the person or the unit, and a reason."), "error")
        return redirect(url_for("pool.index"))
    try:
        pool.declare(
            actor(),
            person_id,
            form.reason.data or "",
            person_name=form.person_name.data or "",
            unit=form.unit.data or "",
        )
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("The conflict of interest is declared."))
    return redirect(url_for("pool.index"))


@bp.post("/conflicts/<int:conflict_id>/withdraw")
def withdraw(conflict_id: int) -> Response:
    if ReasonForm().validate_on_submit():
        try:
            pool.withdraw(actor(), conflict_id)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The conflict of interest is withdrawn."))
    return redirect(url_for("pool.index"))
