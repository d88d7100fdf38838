"""Console pages for entrants: the list, the sheet template, import in two steps (upload,
then confirm the column mapping), and export.

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
from competition.services import entrants, qualifiers
from competition.services.authority import Refused
from competition.services.entrant_sheets import SheetError
from competition.web import import_jobs
from competition.web.console import actor, event_or_abort
from competition.web.forms import QualifierForm, ReasonForm, UploadForm

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
def index(contest_id: int, event_id: int) -> str:
    contest, event, role = _event(contest_id, event_id)
    registered = entrants.event_entrants(event.id)
    return render_template(
        "console/entrants.html",
        contest=contest,
        event=event,
        role=role,
        entrants=registered,
        form=UploadForm(),
        fields=entrants.fields_of(event),
        qualifiers=qualifiers.states_of(event),
        rule_text=qualifiers.rule_text,
        source_choices=qualifiers.source_choices(actor(), event),
        sources=qualifiers.sources_of(registered),
        qualifier_form=QualifierForm(),
        action_form=ReasonForm(),
        editable=contest.status in entrants.EDITABLE,
    )


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
