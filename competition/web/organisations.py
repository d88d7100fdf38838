"""The union's organisations and programmes in the console, and where a contest belongs.

Organisations are the admin's; programmes are the admin's and the organisations' accounts';
a contest's programme, organisation and trade are set on its dashboard. Refusals become a
message on the page, never a traceback."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.models import Contest
from competition.models.programme import LEVELS
from competition.services import organisations, programmes
from competition.services.authority import Actor, Refused, roles_in
from competition.web.forms import (
    OrganisationForm,
    PlacementForm,
    ProgrammeForm,
    SelectChoice,
)

bp = Blueprint("organisations", __name__, url_prefix="/console")
LEVEL_NAMES = {
    "enterprise": _l("Enterprise"),
    "county": _l("County / district"),
    "city": _l("City"),
}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs an account."""


@bp.app_context_processor
def _names() -> dict[str, object]:
    return {"level_names": LEVEL_NAMES}


def actor() -> Actor:
    return Actor.of_user(current_user)


def chosen_id(value: str | None) -> int | None:
    """A select's value as an id (empty or not a number: none)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() else None


def organisation_choices(acting: Actor, blank: str = "—") -> list[SelectChoice]:
    """The organisations the actor may act for, indented by level."""
    return [SelectChoice("", blank)] + [
        SelectChoice(str(b.organisation.id), "\u3000" * b.depth + b.organisation.name)
        for b in organisations.acting_for(acting)
    ]


def programme_choices(acting: Actor) -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [
        SelectChoice(str(p.id), f"{p.name} ({p.year})") for p in programmes.programmes_for(acting)
    ]


@bp.route("/organisations", methods=["GET", "POST"])
def index() -> str | tuple[str, int] | Response:
    """The admin's page: the organisations as a tree by level, and a form for a new one."""
    if not actor().is_admin:
        abort(403)
    form = OrganisationForm()
    form.level.choices = [SelectChoice(level, LEVEL_NAMES[level]) for level in reversed(LEVELS)]
    form.parent.choices = organisation_choices(actor(), _("— none (the city union) —"))
    problem = ""
    if form.validate_on_submit():
        try:
            organisations.create_organisation(
                actor(),
                form.name.data or "",
                form.level.data or "",
                parent_id=chosen_id(form.parent.data),
                district=form.district.data or "",
            )
        except Refused as refused:
            problem = refused.render(current_locale())
        else:
            flash(_("Organisation added."))
            return redirect(url_for("organisations.index"))
    elif form.is_submitted():
        problem = _("Give the organisation a name (200 characters at most).")
    page = render_template(
        "console/organisations.html", tree=organisations.tree(), form=form, problem=problem
    )
    return (page, 400) if problem else page


@bp.route("/programmes", methods=["GET", "POST"])
def programme_list() -> str | tuple[str, int] | Response:
    """Programmes the account sees, and a form for a new one (owned by an organisation it
    acts for)."""
    acting = actor()
    if not acting.is_admin and acting.organisation_id is None:
        abort(403)
    form = ProgrammeForm()
    form.organisation.choices = organisation_choices(acting)
    problem = ""
    if form.validate_on_submit():
        try:
            programmes.create_programme(
                acting,
                form.name.data or "",
                form.year.data,
                chosen_id(form.organisation.data),
                series=form.series.data or "",
                budget=form.budget.data or "",
            )
        except Refused as refused:
            problem = refused.render(current_locale())
        else:
            flash(_("Programme added."))
            return redirect(url_for("organisations.programme_list"))
    elif form.is_submitted():
        problem = _("Give the programme a name and a year (such as 2026).")
    page = render_template(
        "console/programmes.html",
        programmes=programmes.programmes_for(acting),
        form=form,
        problem=problem,
    )
    return (page, 400) if problem else page


def placement_view(contest: Contest) -> dict[str, object]:
    """What the contest dashboard shows of where the contest belongs, and the form to change
    it for those who may."""
    acting = actor()
    may_move = acting.is_admin or (
        acting.organisation_id is not None
        and (
            contest.organisation_id is None
            or organisations.may_act_for(acting, contest.organisation_id)
        )
        and "organiser" in roles_in(acting, contest.id)
    )
    form = None
    if may_move:
        form = PlacementForm(
            programme=str(contest.programme_id or ""),
            organisation=str(contest.organisation_id or ""),
            trade=contest.trade or "",
        )
        form.programme.choices = programme_choices(acting)
        form.organisation.choices = organisation_choices(acting)
    return {
        "placement_form": form,
        "contest_programme": programmes.programme_of(contest),
        "contest_organisation": organisations.get(contest.organisation_id),
    }


@bp.post("/contests/<int:contest_id>/placement")
def placement(contest_id: int) -> Response:
    """Put the contest in a programme, under an organisation, with a trade."""
    form = PlacementForm()
    if not form.validate_on_submit():
        flash(_("The trade is at most 64 characters."), "error")
    else:
        try:
            programmes.place_contest(
                actor(),
                contest_id,
                programme_id=chosen_id(form.programme.data),
                organisation_id=chosen_id(form.organisation.data),
                trade=form.trade.data or "",
            )
        except Refused as refused:
            if refused.code == "not_found":
                abort(404)
            if refused.code == "forbidden" and not roles_in(actor(), contest_id):
                abort(403)
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Programme, organisation and trade saved."))
    return redirect(url_for("console.contest", contest_id=contest_id))
