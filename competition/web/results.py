"""Results in the console: the public board's setting, publication and appeals, exports,
charts, the award list and certificates to print."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as Redirect

from competition.i18n import current_locale
from competition.models import Certificate, Contest, Event
from competition.services import appeals as appeal_service
from competition.services import (
    board,
    charts,
    contests,
    documents,
    exports,
    judges,
    standings,
)
from competition.services import certificates as certificate_service
from competition.services.appeals import Correction
from competition.services.authority import Refused
from competition.services.award_lists import unit_attribute
from competition.services.judge_cards import qr_svg
from competition.web.console import STAGE_NAMES, actor, contest_or_abort, event_or_abort
from competition.web.forms import (
    BOARD_MODES,
    AppealForm,
    BoardForm,
    DecisionForm,
    DocumentsForm,
    SealForm,
    SelectChoice,
)

bp = Blueprint("results", __name__, url_prefix="/console/contests/<int:contest_id>/results")

EXPORTS = {
    "standings": (exports.standings_csv_bytes, exports.standings_xlsx_bytes),
    "awards": (exports.award_list_csv_bytes, exports.award_list_xlsx_bytes),
    "scoresheet": (exports.score_sheet_csv_bytes, exports.score_sheet_xlsx_bytes),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs an account."""


@bp.context_processor
def _names() -> dict[str, object]:
    return {"stage_names": STAGE_NAMES}


def judge_names(contest_id: int) -> dict[str, str]:
    """The judges' names for their ids in the marks (J12)."""
    return {f"J{j.id}": j.name for j in judges.contest_judges(contest_id)}


@bp.get("/")
def index(contest_id: int) -> str:
    contest, role = contest_or_abort(contest_id)
    appeals = appeal_service.appeals_of(contest.id)
    appeal_form = AppealForm()
    appeal_form.event.choices = [SelectChoice(e.id, e.name) for e in contest.events]
    decisions = {}
    events = {e.id: e for e in contest.events}
    for appeal in appeals:
        if appeal.status != "pending":
            continue
        form = DecisionForm(prefix=f"a{appeal.id}")
        criteria = contests.ruleset_of(events[appeal.event_id]).rule.criteria
        measured = _("measured")  # outside the f-string, where pybabel finds it
        form.mark.choices = [
            SelectChoice(
                m.id,
                f"{criteria[m.criterion].label or m.criterion}"
                f"{' [' + m.item + ']' if m.item else ''} · "
                f"{m.judge or measured}: {m.value}",
            )
            for m in appeal_service.marks_of(appeal)
        ]
        decisions[appeal.id] = form
    results = {event.id: standings.current_standings(event) for event in contest.events}
    names = judge_names(contest.id)
    return render_template(
        "console/results.html",
        contest=contest,
        role=role,
        board_form=BoardForm(mode=contest.board_mode),
        appeal_form=appeal_form,
        appeals=appeals,
        decisions=decisions,
        history=board.live_board(contest).get("history", []),
        charts={
            event.id: charts.event_charts(results[event.id], current_locale(), names)
            for event in contest.events
        },
        exports=EXPORTS,
        documents=documents_panel(contest, role),
    )


def documents_panel(contest: Contest, role: str) -> dict[str, object]:
    """The official documents' settings as the console shows them, with what is missing."""
    return {
        "editable": role in ("admin", "organiser"),
        "form": DocumentsForm(issuer=contest.issuer or "", issued_on=contest.issued_on),
        "seal_form": SealForm(),
        "missing": [m.render(current_locale()) for m in documents.missing(contest)],
    }


@bp.post("/board")
def set_board(contest_id: int) -> Redirect:
    contest_or_abort(contest_id)
    form = BoardForm()
    if form.validate_on_submit():
        try:
            board.set_mode(actor(), contest_id, form.mode.data)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The public board is now: %(mode)s.", mode=BOARD_MODES[form.mode.data]))
    else:
        flash(_("Choose how the public board shows the contest."), "error")
    return redirect(url_for("results.index", contest_id=contest_id))


@bp.post("/appeals")
def record_appeal(contest_id: int) -> Redirect:
    contest, _role = contest_or_abort(contest_id)
    form = AppealForm()
    form.event.choices = [SelectChoice(e.id, e.name) for e in contest.events]
    if form.validate_on_submit():
        try:
            appeal_service.record_appeal(
                actor(),
                form.event.data,
                form.entrant.data or "",
                form.appellant.data or "",
                form.grounds.data or "",
            )
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The appeal is recorded."))
    else:
        flash(_("An appeal needs the entrant, the appellant and the grounds."), "error")
    return redirect(url_for("results.index", contest_id=contest_id))


@bp.post("/appeals/<int:appeal_id>/decision")
def decide(contest_id: int, appeal_id: int) -> Redirect:
    contest_or_abort(contest_id)
    appeal = appeal_service.appeal_in(contest_id, appeal_id)
    if appeal is None:
        abort(404)
    form = DecisionForm(prefix=f"a{appeal.id}")
    form.mark.choices = [SelectChoice(m.id, str(m.id)) for m in appeal_service.marks_of(appeal)]
    if not form.validate_on_submit():
        flash(_("A decision needs its reasons."), "error")
        return redirect(url_for("results.index", contest_id=contest_id))
    upheld = form.outcome.data == "upheld"
    correction = (
        Correction(form.mark.data, form.value.data or "")
        if upheld and form.mark.data and form.value.data
        else None
    )
    try:
        appeal_service.decide_appeal(
            actor(), appeal.id, upheld, form.decision.data or "", correction
        )
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("The decision is recorded."))
    return redirect(url_for("results.index", contest_id=contest_id))


@bp.get("/events/<int:event_id>/<kind>.<fmt>")
def export(contest_id: int, event_id: int, kind: str, fmt: str) -> Response:
    """The standings, the award list or the full score sheet as CSV or XLSX."""
    contest, event, _role = event_or_abort(contest_id, event_id)
    if kind not in EXPORTS or fmt not in ("csv", "xlsx"):
        abort(404)
    as_csv, as_xlsx = EXPORTS[kind]
    result = standings.current_standings(event)
    if kind == "scoresheet":  # the auditor reads the judges' names
        names = judge_names(contest.id)
        make = exports.score_sheet_csv_bytes if fmt == "csv" else exports.score_sheet_xlsx_bytes
        data = make(result, current_locale(), names)
    else:
        data = (as_csv if fmt == "csv" else as_xlsx)(result, current_locale())
    name = f"contest{contest.id}-event{event.id}-{kind}.{fmt}"
    return Response(
        data,
        mimetype="text/csv; charset=utf-8" if fmt == "csv" else XLSX,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.post("/documents")
def set_documents(contest_id: int) -> Redirect:
    """The issuing body and the date of the award list and certificates."""
    contest_or_abort(contest_id)
    form = DocumentsForm()
    if not form.validate_on_submit():
        flash(_("Give the issuing body (at most 200 characters) and a valid date."), "error")
    else:
        try:
            documents.set_issuer(actor(), contest_id, form.issuer.data or "", form.issued_on.data)
        except Refused as refused:
            flash(refused.render(current_locale()), "error")
        else:
            flash(_("The issuing body and date of the documents are saved."))
    return redirect(url_for("results.index", contest_id=contest_id, _anchor="documents"))


@bp.post("/documents/seal")
def upload_seal(contest_id: int) -> Redirect:
    """The seal image printed over the issuer's line."""
    contest_or_abort(contest_id)
    form = SealForm()
    upload = form.seal.data if form.validate_on_submit() else None
    data = upload.read(documents.MAX_SEAL_BYTES + 1) if upload else b""
    try:
        documents.set_seal(actor(), contest_id, data)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("The seal image is saved."))
    return redirect(url_for("results.index", contest_id=contest_id, _anchor="documents"))


@bp.post("/documents/seal/remove")
def remove_seal(contest_id: int) -> Redirect:
    contest_or_abort(contest_id)
    if not SealForm().validate_on_submit():
        abort(400)
    try:
        documents.remove_seal(actor(), contest_id)
    except Refused as refused:
        flash(refused.render(current_locale()), "error")
    else:
        flash(_("The seal image is removed: the documents leave a blank area to stamp."))
    return redirect(url_for("results.index", contest_id=contest_id, _anchor="documents"))


@bp.get("/certificates")
def certificates(contest_id: int) -> str:
    """One A4 page per valid certificate, each with the QR code of its verification page."""
    contest, _role = contest_or_abort(contest_id)
    issued = certificate_service.certificates_of(contest.id)
    events = {e.id: e for e in contest.events}
    return render_template(
        "results/certificates.html",
        contest=contest,
        pages=[certificate_page(contest, events[c.event_id], c) for c in issued],
        missing=[m.render(current_locale()) for m in documents.missing(contest)],
        locale=current_locale(),
    )


def certificate_page(contest: Contest, event: Event, certificate: Certificate) -> dict[str, object]:
    url = url_for("awards.verify", code=certificate.code, _external=True)
    return {
        "certificate": certificate,
        "event": event,
        "url": url,
        "qr": Markup(qr_svg(url)),
        "wording": certificate_wording(contest, event, certificate),
        "signature": documents.signature(contest, certificate.issued_at),
    }


def certificate_wording(contest: Contest, event: Event, certificate: Certificate) -> Markup:
    """兹授予 {name}（{unit}）在 {contest} 中荣获 {award}，特发此证。 — the name and the award
    set off for print; the unit from the rule file's unit attribute, when it has one."""
    unit_name = unit_attribute(event.id, contest)
    unit = (certificate.entrant.attributes or {}).get(unit_name) if unit_name else None
    name = Markup('<strong class="cert-name">%s</strong>') % certificate.entrant.name
    honours = []
    if certificate.award:
        honours.append(Markup('<strong class="cert-award">%s</strong>') % certificate.award)
    honours += [
        Markup('<strong class="cert-title">%s</strong>') % _("the title “%(title)s”", title=t)
        for t in certificate.titles or []
    ]
    award = Markup(escape(_(" and "))).join(honours)
    where = contest.name if len(contest.events) == 1 else f"{contest.name} · {event.name}"
    if unit:
        text = _(
            "This certificate is awarded to %(name)s (%(unit)s), who won %(award)s in %(contest)s."
        )
        return escape(text) % {"name": name, "unit": unit, "award": award, "contest": where}
    text = _("This certificate is awarded to %(name)s, who won %(award)s in %(contest)s.")
    return escape(text) % {"name": name, "award": award, "contest": where}
