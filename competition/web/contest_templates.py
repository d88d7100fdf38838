"""The console page that starts a new contest from a past one or from a shipped rule file.

A past contest is copied by ``contest_templates.start_from_contest`` and the page answers
with the new draft's dashboard; a shipped rule file goes on to the new-contest form with
the file chosen, since only that form asks for what a rule file leaves open (the event's
name, its number of items)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale, local_date
from competition.models import Contest
from competition.rules import RuleFileError
from competition.services import contest_templates, organisations, programmes
from competition.services.authority import Actor, Refused
from competition.services.contest_templates import SAME, Same
from competition.web.console import actor
from competition.web.forms import SelectChoice, TemplateForm
from competition.web.organisations import chosen_id

bp = Blueprint("contest_templates", __name__, url_prefix="/console/contests")
NONE = "none"


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


@bp.route("/from-template", methods=["GET", "POST"])
def start() -> str | tuple[str, int] | Response:
    acting = actor()
    if not contest_templates.may_start(acting):
        abort(403)
    past = contest_templates.past_contests(acting)
    form = TemplateForm()
    _fill_choices(form, acting, past)
    if request.method == "GET" and request.args.get("source", "").isdigit():
        chosen = next((c for c in past if c.id == int(request.args["source"])), None)
        if chosen is not None:
            form.source.data = f"contest:{chosen.id}"
            form.name.data = chosen.name
    problems: list[str] = []
    if form.validate_on_submit():
        kind, _sep, key = (form.source.data or "").partition(":")
        if kind == "rules" and acting.is_admin:
            return redirect(url_for("console.new_contest", rule_file=key, name=form.name.data))
        try:
            started = contest_templates.start_from_contest(
                acting,
                int(key) if kind == "contest" and key.isdigit() else 0,
                form.name.data or "",
                copy_judges=bool(form.copy_judges.data),
                programme_id=_placement_id(form.programme.data),
                organisation_id=_placement_id(form.organisation.data),
                trade=(form.trade.data or "").strip() or SAME,
            )
        except RuleFileError as error:
            problems = [p.render(current_locale()) for p in error.problems]
        except Refused as refused:
            problems = [refused.render(current_locale())]
        else:
            flash(_started_message(started))
            return redirect(url_for("console.contest", contest_id=started.contest.id))
    elif form.is_submitted():
        problems = [_("Give the new contest a name (200 characters at most).")]
    page = render_template(
        "console/contest_from_template.html",
        form=form,
        problems=problems,
        preview=_preview(acting, form.source.data),
    )
    return (page, 400) if problems else page


def _preview(acting: Actor, source: str | None) -> contest_templates.Preview | None:
    """What the chosen past contest gives the new one (none for a rule file)."""
    kind, _sep, key = (source or "").partition(":")
    if kind != "contest" or not key.isdigit():
        return None
    try:
        return contest_templates.preview(acting, int(key))
    except Refused:
        return None


def _fill_choices(form: TemplateForm, acting: Actor, past: list[Contest]) -> None:
    root = current_app.config["SCORING_RULES_DIR"]
    files = contest_templates.rule_files(acting, root, current_locale())
    grouped: dict[str, list[tuple[str, str]]] = {}
    if past:
        grouped[_("Past contests")] = [
            (f"contest:{c.id}", f"{c.name} · {local_date(c.created_at, c)}") for c in past
        ]
    if files:
        grouped[_("Shipped rule files")] = [
            (f"rules:{f.path}", f"{f.contest} ({f.path})") for f in files
        ]
    form.source.choices = grouped
    same = SelectChoice("", _("— as the past contest —"))
    form.programme.choices = [same, SelectChoice(NONE, _("— none —"))] + [
        SelectChoice(str(p.id), f"{p.name} ({p.year})") for p in programmes.programmes_for(acting)
    ]
    form.organisation.choices = (
        [same]
        + ([SelectChoice(NONE, _("— none —"))] if acting.is_admin else [])
        + [
            SelectChoice(str(b.organisation.id), "\u3000" * b.depth + b.organisation.name)
            for b in organisations.acting_for(acting)
        ]
    )


def _placement_id(value: str | None) -> int | None | Same:
    """A placement select: empty keeps the past contest's, "none" is none, else an id."""
    if not value:
        return SAME
    return None if value == NONE else chosen_id(value)


def _started_message(started: contest_templates.Started) -> str:
    if not started.judges:
        return str(_("Contest created from the past one."))
    text = str(
        _(
            "Contest created from the past one, with %(judges)s judges and %(seats)s assignments: "
            "print their new login cards on the judges' page.",
            judges=len(started.judges),
            seats=started.assignments,
        )
    )
    if started.left_out:
        text += " " + str(
            _(
                "%(count)s assignments to single entrants were left out: assign them once the "
                "entrants are in.",
                count=started.left_out,
            )
        )
    return text
