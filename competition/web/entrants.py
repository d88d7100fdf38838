"""Console pages for entrants: the list (searched and paged), one entrant's correction, the
sheet template, import in two steps (upload, then confirm the column mapping), and export.

An upload waits in the instance folder between the two steps under a random name kept in
the session; nothing reaches the database until the organiser confirms and the whole sheet
is valid.
"""

from __future__ import annotations

import io
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.models import Contest, Event
from competition.services import entrant_lists, entrants, person_matches, qualifiers
from competition.services.authority import Refused
from competition.services.entrant_sheets import NAME_LENGTH, Field, SheetError
from competition.services.stages import stage_name
from competition.web import import_jobs, people
from competition.web.console import actor, event_or_abort
from competition.web.forms import EntrantForm, QualifierForm, ReasonForm, UploadForm

bp = Blueprint(
    "entrants",
    __name__,
    url_prefix="/console/contests/<int:contest_id>/events/<int:event_id>/entrants",
)
MAX_UPLOAD = 10 * 1024 * 1024
BACKGROUND_ROWS = 1000  # larger sheets import in the background, with a progress bar
UPLOAD_TTL = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


def _event(contest_id: int, event_id: int) -> tuple[Contest, Event, str]:
    return event_or_abort(contest_id, event_id)


@bp.get("/")
def index(contest_id: int, event_id: int) -> tuple[str, int]:
    """The entrants the search (``q``) finds, a page (``page``) at a time."""
    contest, event, role = _event(contest_id, event_id)
    listing, problems = entrant_lists.parse_listing(request.args)
    found = entrant_lists.entrant_page(event, listing)
    page = render_template(
        "console/entrants.html",
        contest=contest,
        event=event,
        role=role,
        found=found,
        problems=[problem.render(current_locale()) for problem in problems],
        correction=_correction(contest, role),
        form=UploadForm(),
        fields=entrants.fields_of(event),
        qualifiers=qualifiers.states_of(event),
        rule_text=qualifiers.rule_text,
        source_choices=qualifiers.source_choices(actor(), event),
        sources=qualifiers.sources_of(found.entrants),
        qualifier_form=QualifierForm(),
        action_form=ReasonForm(),
        editable=contest.status in entrants.EDITABLE,
        pending_matches=len({m.entrant.id for m in person_matches.pending_matches(event)}),
    )
    return page, 400 if problems else 200


def _correction(contest: Contest, role: str) -> str | None:
    """None when this reader may correct entrants now; else why not (empty: not theirs)."""
    if role not in ("admin", "organiser"):
        return ""
    if not entrants.correctable(contest):
        stage = stage_name(contest.status).render(current_locale())
        text: str = _(
            "Entrants can no longer be corrected: the contest is at the stage “%(stage)s”.",
            stage=stage,
        )
        return text
    return None


@bp.route("/<int:entrant_id>/edit", methods=["GET", "POST"])
def edit(contest_id: int, event_id: int, entrant_id: int) -> tuple[str, int] | Response:
    """Correct one entrant's name and attributes; the list's search and page come back."""
    contest, event, role = _event(contest_id, event_id)
    entrant = entrant_lists.entrant_of(event, entrant_id)
    if entrant is None:
        abort(404)
    columns = entrants.fields_of(event)[1:]
    back = {k: v for k, v in request.args.items() if k in ("q", "page") and v}
    form = EntrantForm()
    values = _shown_values(entrant.name, entrant.attributes or {}, columns)
    errors: dict[str, str] = {}
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        values = {f.key: request.form.get(f"field:{f.key}", "") for f in columns}
        name = values.pop("name")
        try:
            entrants.edit_entrant(actor(), event.id, entrant.code, name, values)
        except SheetError as error:
            errors, problems = _field_errors(error, columns)
            values["name"], status = name, 400
        except Refused as refused:
            problems = [refused.render(current_locale())]
            values["name"] = name
            status = 403 if refused.code == "forbidden" else 409
        else:
            flash(_("%(code)s saved.", code=entrant.code))
            return redirect(
                url_for(
                    "entrants.index",
                    contest_id=contest_id,
                    event_id=event_id,
                    q=back.get("q"),
                    page=back.get("page"),
                )
            )
    elif request.method == "POST":
        problems, status = [_("The form expired: send it again.")], 400
    page = render_template(
        "console/entrant_edit.html",
        contest=contest,
        event=event,
        role=role,
        entrant=entrant,
        columns=columns,
        values=values,
        errors=errors,
        problems=problems,
        correction=_correction(contest, role),
        back=back,
        form=form,
        name_length=NAME_LENGTH,
    )
    return page, status


def _shown_values(name: str, attributes: dict[str, object], columns: list[Field]) -> dict[str, str]:
    """The form's values: a yes/no attribute as 1 or 0, the rest as text."""
    shown = {"name": name}
    for field in columns[1:]:
        value = attributes.get(field.key)
        shown[field.key] = (
            ""
            if value is None
            else ("1" if value else "0")
            if isinstance(value, bool)
            else str(value)
        )
    return shown


def _field_errors(error: SheetError, columns: list[Field]) -> tuple[dict[str, str], list[str]]:
    """Each problem under the field it names; a problem naming no field above the form."""
    locale = current_locale()
    by_header = {field.header: field.key for field in columns}
    errors: dict[str, str] = {}
    rest = []
    for problem in error.problems:
        key = by_header.get(problem.column)
        if key is not None:
            errors.setdefault(key, problem.message.render(locale))
        else:
            rest.append(problem.render(locale))
    return errors, rest


@bp.get("/template.xlsx")
def template(contest_id: int, event_id: int) -> Response:
    _event(contest_id, event_id)
    try:
        data = entrants.template(actor(), event_id)
    except Refused:
        abort(403)
    return send_file(
        io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="entrants-template.xlsx"
    )


@bp.get("/export.xlsx")
def export(contest_id: int, event_id: int) -> Response:
    _event(contest_id, event_id)
    try:
        data = entrants.export_entrants_xlsx(actor(), event_id)
    except Refused:
        abort(403)
    return send_file(
        io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="entrants.xlsx"
    )


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.upload"):
        if stale.stat().st_mtime < time.time() - UPLOAD_TTL:
            stale.unlink(missing_ok=True)
    return folder


@bp.post("/upload")
def upload(contest_id: int, event_id: int) -> str | Response:
    """Step 1: keep the file and show the suggested column mapping."""
    contest, event, role = _event(contest_id, event_id)
    form = UploadForm()
    if not form.validate_on_submit() or not form.sheet.data:
        flash(_("Choose an XLSX or CSV file."), "error")
        return redirect(url_for("entrants.index", contest_id=contest_id, event_id=event_id))
    data = form.sheet.data.read(MAX_UPLOAD + 1)
    filename = form.sheet.data.filename or "upload"
    if len(data) > MAX_UPLOAD:
        flash(_("The file is larger than 10 MB."), "error")
        return redirect(url_for("entrants.index", contest_id=contest_id, event_id=event_id))
    try:
        preview = entrants.preview_sheet(actor(), event.id, data, filename)
    except (Refused, SheetError) as error:
        return _report(contest, event, role, error)
    key = secrets.token_hex(16)
    (_uploads() / f"{key}.upload").write_bytes(data)
    session["entrant_upload"] = {
        "key": key,
        "filename": filename,
        "event": event.id,
        "rows": len(preview.sheet.rows),
    }
    return render_template(
        "console/entrants_mapping.html",
        contest=contest,
        event=event,
        role=role,
        preview=preview,
        form=ReasonForm(),
    )


@bp.post("/import")
def confirm(contest_id: int, event_id: int) -> str | Response:
    """Step 2: import with the mapping the organiser confirmed — all rows or none."""
    contest, event, role = _event(contest_id, event_id)
    pending = session.get("entrant_upload")
    if not ReasonForm().validate_on_submit() or not pending or pending["event"] != event.id:
        flash(_("Upload the sheet again."), "error")
        return redirect(url_for("entrants.index", contest_id=contest_id, event_id=event_id))
    path = _uploads() / f"{pending['key']}.upload"
    if not path.is_file():
        flash(_("Upload the sheet again."), "error")
        return redirect(url_for("entrants.index", contest_id=contest_id, event_id=event_id))
    mapping = {
        header.removeprefix("map:"): (value or None)
        for header, value in request.form.items()
        if header.startswith("map:")
    }
    data = path.read_bytes()
    if pending.get("rows", 0) > BACKGROUND_ROWS:
        job_id = import_jobs.start(
            current_app._get_current_object(),  # type: ignore[attr-defined]  # the real app
            actor(),
            event.id,
            data,
            pending["filename"],
            mapping,
            current_locale(),
        )
        path.unlink(missing_ok=True)
        session.pop("entrant_upload", None)
        return render_template(
            "console/entrants_progress.html", contest=contest, event=event, role=role, job_id=job_id
        )
    try:
        result = entrants.import_entrants(actor(), event.id, data, pending["filename"], mapping)
    except (Refused, SheetError) as error:
        return _report(contest, event, role, error)
    path.unlink(missing_ok=True)
    session.pop("entrant_upload", None)
    flash(_("%(count)s entrants imported.", count=result.count))
    if result.people.near:
        people.note_imported_rows(event.id, {n.code: n.row for n in result.people.near})
        return redirect(url_for("people.matches", contest_id=contest_id, event_id=event_id))
    return redirect(url_for("entrants.index", contest_id=contest_id, event_id=event_id))


def _report(contest: Contest, event: Event, role: str, error: Refused | SheetError) -> str:
    locale = current_locale()
    problems = (
        [p.render(locale) for p in error.problems]
        if isinstance(error, SheetError)
        else [error.render(locale)]
    )
    return render_template(
        "console/entrants_report.html", contest=contest, event=event, role=role, problems=problems
    )


@bp.get("/jobs/<job_id>")
def job(contest_id: int, event_id: int, job_id: str) -> Response:
    """The progress of a background import, polled by the page as JSON."""
    _event(contest_id, event_id)
    found = import_jobs.get(job_id, actor().id or 0)
    if found is None:
        abort(404)
    return jsonify(
        done=found.done,
        total=found.total,
        finished=found.finished,
        count=found.count,
        problems=found.problems,  # capped by the check, with its "… and N more" line
    )
