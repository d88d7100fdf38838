"""The organisers' console: contests, their dashboard, rules and audit log.

Handlers parse the request, call one service and render; refusals become a message on the
page (or a 403/404 page), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale, zone_label
from competition.local_time import COMMON_ZONES
from competition.models import Contest, Event
from competition.rules import ProblemsError, RuleFileError
from competition.services import (
    audit_reading,
    contest_templates,
    contests,
    lifecycle,
    organisations,
    programme_dashboard,
    publication,
    rule_summary,
    stages,
    standings,
    users,
)
from competition.services.audit_export import audit_xlsx_bytes as audit_export_xlsx
from competition.services.authority import Actor, Refused, roles_in
from competition.services.contests import RuleSource
from competition.services.rulebook import list_rule_files
from competition.web import organisations as organisation_pages
from competition.web.forms import (
    ContestForm,
    ItemCountForm,
    RoleForm,
    RoundForm,
    RuleVersionForm,
    SelectChoice,
    SimulateForm,
    StepForm,
    TimeZoneForm,
    UserForm,
)

bp = Blueprint("console", __name__, url_prefix="/console")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account (Flask-Login redirects to the sign-in page)."""


STAGE_NAMES = {stage: _l(name) for stage, name in stages.STAGE_NAMES.items()}
STEP_NAMES = {
    "open_registration": _l("Open registration"),
    "open_scoring": _l("Open scoring"),
    "close_scoring": _l("Close scoring"),
    "lock": _l("Lock the results"),
    "publish": _l("Publish"),
    "finalise": _l("Make final"),
}
STATUS_NAMES = {
    "ok": "",
    "incomplete": _l("incomplete"),
    "dq": _l("disqualified"),
    "withdrawn": _l("withdrawn"),
}
ROLE_NAMES = {"admin": _l("Admin"), "organiser": _l("Organiser"), "chief_judge": _l("Chief judge")}


@bp.context_processor
def _names() -> dict[str, object]:
    return {
        "stage_names": STAGE_NAMES,
        "step_names": STEP_NAMES,
        "role_names": ROLE_NAMES,
        "status_names": STATUS_NAMES,
    }


def actor() -> Actor:
    return Actor.of_user(current_user)


def contest_or_abort(contest_id: int) -> tuple[Contest, str]:
    try:
        return contests.get_for(actor(), contest_id)
    except Refused as refused:
        abort(404 if refused.code == "not_found" else 403)


def event_or_abort(contest_id: int, event_id: int) -> tuple[Contest, Event, str]:
    """A contest the actor may open, one of its events, and the actor's role; else 403/404."""
    contest, role = contest_or_abort(contest_id)
    event = next((e for e in contest.events if e.id == event_id), None)
    if event is None:
        abort(404)
    return contest, event, role


@bp.get("/")
def index() -> str:
    return render_template(
        "console/index.html",
        contests=contests.visible_to(actor()),
        programmes=programme_dashboard.visible_programmes(actor()),
        is_admin=actor().is_admin,
        may_start=contest_templates.may_start(actor()),
    )


@bp.route("/contests/new", methods=["GET", "POST"])
def new_contest() -> str | Response:
    if not actor().is_admin:
        abort(403)
    form = ContestForm()
    root = Path(current_app.config["SCORING_RULES_DIR"])
    files = [f for f in list_rule_files(root, current_locale()) if f.valid]
    form.rule_file.choices = [SelectChoice("", "—")] + [
        SelectChoice(f.path, f"{f.contest} ({f.path})") for f in files
    ]
    form.programme.choices = organisation_pages.programme_choices(actor())
    form.organisation.choices = organisation_pages.organisation_choices(actor())
    if request.method == "GET":  # from the template chooser: the rule file and name chosen
        form.rule_file.data = request.args.get("rule_file", "")
        form.name.data = request.args.get("name", "")
    problems: list[str] = []
    if form.validate_on_submit():
        source = _rule_source(form, root)
        if source is None:
            form.rule_file.errors = [_("Choose a rule file or upload one.")]
        else:
            try:
                contest = contests.create_contest(
                    actor(),
                    form.name.data or "",
                    [(form.event.data or "", source, form.items.data)],
                    blind=bool(form.blind.data),
                    programme_id=organisation_pages.chosen_id(form.programme.data),
                    organisation_id=organisation_pages.chosen_id(form.organisation.data),
                    trade=form.trade.data or "",
                )
            except RuleFileError as error:
                problems = [p.render(current_locale()) for p in error.problems]
            except Refused as refused:
                problems = [refused.render(current_locale())]
            else:
                flash(_("Contest created."))
                return redirect(url_for("console.contest", contest_id=contest.id))
    return render_template("console/contest_new.html", form=form, problems=problems)


def _rule_source(form: ContestForm, root: Path) -> RuleSource | None:
    upload = form.upload.data
    if upload and getattr(upload, "filename", ""):
        raw = upload.read(1_000_001)
        text = raw.decode("utf-8-sig", errors="replace") if len(raw) <= 1_000_000 else ""
        return RuleSource(upload.filename, text)
    if form.rule_file.data:
        path = (root / form.rule_file.data).resolve()
        if root.resolve() in path.parents and path.is_file():
            return RuleSource(form.rule_file.data, path.read_text(encoding="utf-8"))
    return None


def _held_roles(contest_id: int) -> list[str]:
    """Every role the signed-in account holds in the contest (an admin is just that)."""
    held = roles_in(actor(), contest_id)
    return ["admin"] if "admin" in held else [r for r in ("organiser", "chief_judge") if r in held]


@bp.get("/contests/<int:contest_id>")
def contest(contest_id: int) -> str:
    found, role = contest_or_abort(contest_id)
    publication.settle(found)  # final once the publicity window has closed
    return render_template(
        "console/contest.html",
        contest=found,
        role=role,
        held=_held_roles(found.id),
        counts=contests.entrant_counts(found),
        steps=lifecycle.STEPS,
        stages=list(stages.STAGE_NAMES),
        progress={event.id: standings.progress(event) for event in found.events},
        roles=users.contest_roles(found.id),
        role_form=RoleForm(),
        round_form=RoundForm(),
        items={event.id: contests.ruleset_of(event).item_ids or [] for event in found.events},
        zone_form=TimeZoneForm(time_zone=found.time_zone),
        common_zones=COMMON_ZONES,
        may_start=contest_templates.may_start(actor()),
        **organisation_pages.placement_view(found),
    )


@bp.get("/contests/<int:contest_id>/steps/<step>")
def confirm_step(contest_id: int, step: str) -> str:
    """The step's confirmation page: what it will do, what stands in its way, and the
    reason and override it needs."""
    found, role = contest_or_abort(contest_id)
    try:
        plan = lifecycle.preview(actor(), found.id, step)
    except Refused:
        abort(404)
    return render_template(
        "console/step.html", contest=found, role=role, plan=plan, form=StepForm()
    )


@bp.post("/contests/<int:contest_id>/time-zone")
def time_zone(contest_id: int) -> Response:
    """Show the contest's times in another zone; a name that is no zone changes nothing."""
    contest_or_abort(contest_id)
    form = TimeZoneForm()
    if not form.validate_on_submit():
        flash(_("Give a time zone name, such as Asia/Shanghai."), "error")
    else:
        try:
            changed = contests.set_time_zone(actor(), contest_id, form.time_zone.data or "")
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Times of this contest are shown in %(zone)s.", zone=zone_label(changed)))
    return redirect(url_for("console.contest", contest_id=contest_id))


@bp.post("/contests/<int:contest_id>/steps/<step>")
def advance(contest_id: int, step: str) -> Response:
    """Take the step as confirmed; a refusal returns to its page with the reason, and
    nothing has changed."""
    contest_or_abort(contest_id)
    form = StepForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long (2,000 characters at most)."), "error")
        return redirect(url_for("console.confirm_step", contest_id=contest_id, step=step))
    try:
        advanced = lifecycle.confirm(
            actor(), contest_id, step, form.reason.data or "", bool(form.override.data)
        )
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
        if refused.code in ("not_found", "invalid"):
            return redirect(url_for("console.contest", contest_id=contest_id))
        return redirect(url_for("console.confirm_step", contest_id=contest_id, step=step))
    stage = STAGE_NAMES[advanced.status]
    flash(_("The contest is now at the stage: %(stage)s.", stage=stage))
    return redirect(url_for("console.contest", contest_id=contest_id))


@bp.get("/contests/<int:contest_id>/rules")
def rules(contest_id: int) -> str:
    found, role = contest_or_abort(contest_id)
    return _rules_page(found, role, RuleVersionForm(), [])


def _rules_page(found: Contest, role: str, form: RuleVersionForm, problems: list[str]) -> str:
    return render_template(
        "console/rules.html",
        contest=found,
        role=role,
        form=form,
        problems=problems,
        count_form=ItemCountForm(),
        summaries=rule_summaries(found),
        item_counts={event.id: contests.offered_item_counts(event) or [] for event in found.events},
    )


@bp.post("/contests/<int:contest_id>/events/<int:event_id>/items")
def item_count(contest_id: int, event_id: int) -> Response:
    """Choose how many items (dives, runs) an event has, where its rule file lets it."""
    event_or_abort(contest_id, event_id)
    form = ItemCountForm()
    if not form.validate_on_submit() or form.count.data is None:
        flash(_("Choose how many items the event has."), "error")
    else:
        try:
            contests.choose_item_count(actor(), event_id, form.count.data)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The event now has %(count)s items.", count=form.count.data))
    return redirect(url_for("console.rules", contest_id=contest_id))


def rule_summaries(found: Contest) -> dict[int, rule_summary.RuleSummary]:
    """Each event's rule file in force (for the item count it chose), as a summary in the
    reader's language."""
    return {
        event.id: rule_summary.summary(contests.ruleset_of(event), current_locale())
        for event in found.events
    }


@bp.get("/contests/<int:contest_id>/audit")
def audit_log(contest_id: int) -> tuple[str, int]:
    """The audit log in plain language, filtered by the query's parameters and paged."""
    found, role = contest_or_abort(contest_id)
    locale = current_locale()
    filters, problems = audit_reading.parse_filters(request.args)
    log = None
    if not problems:
        try:
            log = audit_reading.log_page(found, filters, locale)
        except audit_reading.FilterRefused as refused:
            problems = [refused.message]
    page = render_template(
        "console/audit.html",
        contest=found,
        role=role,
        filters=filters,
        log=log,
        problems=[problem.render(locale) for problem in problems],
        actors=audit_reading.actor_options(found, locale),
        actions=audit_reading.action_options(found, locale),
    )
    return page, 400 if problems else 200


@bp.get("/contests/<int:contest_id>/audit.xlsx")
def audit_export(contest_id: int) -> Response:
    """The filtered log as XLSX; filters that cannot be used go back to the page, which
    names them."""
    found, _role = contest_or_abort(contest_id)
    filters, problems = audit_reading.parse_filters(request.args)
    back = url_for("console.audit_log", contest_id=found.id)
    back += f"?{urlencode(request.args.to_dict())}" if request.args else ""
    if problems:
        return redirect(back)
    try:
        data = audit_export_xlsx(found, filters, current_locale())
    except audit_reading.FilterRefused:
        return redirect(back)
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=contest{found.id}-audit.xlsx"},
    )


@bp.route("/contests/<int:contest_id>/events/<int:event_id>/simulate", methods=["GET", "POST"])
def simulate(contest_id: int, event_id: int) -> str:
    """Run the event's rules on sample or uploaded marks, or on the marks entered so far:
    the standings and awards the rules would give, nothing stored."""
    found, event, role = event_or_abort(contest_id, event_id)
    form = SimulateForm()
    root = Path(current_app.config["SCORING_RULES_DIR"])
    sample = standings.sample_marks(event, root)
    result, problems, source = None, [], ""
    try:
        if form.validate_on_submit() and form.marks.data:
            source = form.marks.data.filename or "marks.csv"
            text = form.marks.data.read(10_000_001).decode("utf-8-sig", errors="replace")
            result = standings.simulate(event, text, source)
        elif request.args.get("use") == "sample" and sample is not None:
            source = _("the sample marks of the rule file")
            result = standings.simulate(event, sample, "sample.csv")
        elif request.args.get("use") == "entered":
            source = _("the marks entered so far")
            result = standings.current_standings(event)
    except ProblemsError as error:
        problems = [p.render(current_locale()) for p in error.problems]
    return render_template(
        "console/simulate.html",
        contest=found,
        event=event,
        role=role,
        form=form,
        has_sample=sample is not None,
        result=result,
        problems=problems,
        source=source,
    )


@bp.route("/users", methods=["GET", "POST"])
def accounts() -> str | Response:
    """The admin's page: every account, and a form for a new one."""
    try:
        listed = users.all_users(actor())
    except Refused:
        abort(403)
    form = UserForm()
    form.organisation.choices = organisation_pages.organisation_choices(actor())
    if form.validate_on_submit():
        try:
            users.create_user(
                actor(),
                form.username.data or "",
                form.password.data or "",
                display_name=form.display_name.data or "",
                is_admin=bool(form.is_admin.data),
                organisation_id=organisation_pages.chosen_id(form.organisation.data),
            )
        except Refused as refused:
            form.username.errors = [refused.render(current_locale())]
        else:
            flash(_("Account created."))
            return redirect(url_for("console.accounts"))
    return render_template(
        "console/users.html",
        users=listed,
        form=form,
        organisation_names={b.organisation.id: b.organisation.name for b in organisations.tree()},
    )


@bp.post("/contests/<int:contest_id>/roles")
def grant(contest_id: int) -> Response:
    contest_or_abort(contest_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            users.grant_role(
                actor(),
                users.user_id_for(form.username.data or ""),
                contest_id,
                form.role.data or "",
            )
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("Role given."))
    return redirect(url_for("console.contest", contest_id=contest_id))


@bp.post("/contests/<int:contest_id>/events/<int:event_id>/rules")
def new_rules(contest_id: int, event_id: int) -> str | Response:
    """A new version of an event's rule file; after scoring opens it needs a reason, and the
    standings follow it at once (they are always recomputed from the marks)."""
    found, role = contest_or_abort(contest_id)
    form = RuleVersionForm()
    upload = form.upload.data if form.validate_on_submit() else None
    if not upload or not getattr(upload, "filename", ""):
        flash(_("Choose a rule file or upload one."), "error")
        return redirect(url_for("console.rules", contest_id=contest_id))
    raw = upload.read(1_000_001)
    source = RuleSource(upload.filename, raw.decode("utf-8-sig", errors="replace"))
    try:
        contests.new_rule_version(actor(), event_id, source, form.reason.data or "")
    except RuleFileError as error:
        return _rules_page(found, role, form, [p.render(current_locale()) for p in error.problems])
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("New rule version in force."))
    return redirect(url_for("console.rules", contest_id=contest_id))


@bp.post("/contests/<int:contest_id>/events/<int:event_id>/rounds")
def round_status(contest_id: int, event_id: int) -> Response:
    """Open or close scoring of one item (a dive, a module) of an event."""
    contest_or_abort(contest_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            lifecycle.set_round(actor(), event_id, form.item.data or "", form.status.data or "")
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            opened = form.status.data == "open"
            flash(_("Open for marking.") if opened else _("Closed: judges can no longer mark it."))
    return redirect(url_for("console.contest", contest_id=contest_id))
