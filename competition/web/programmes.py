"""The union office's programme dashboard in the console: a programme's (or a year's)
contests, entrants and prize money against the budgets, its charts and its workbook."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services import programme_charts, programme_dashboard
from competition.services.authority import Actor, Refused
from competition.services.programme_dashboard import LEVEL_NAMES, Dashboard
from competition.services.programme_workbook import dashboard_xlsx_bytes
from competition.services.stages import STAGE_NAMES

bp = Blueprint("programmes", __name__, url_prefix="/console/programmes")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = {level: _l(name) for level, name in LEVEL_NAMES.items()}
STAGES = {stage: _l(name) for stage, name in STAGE_NAMES.items()}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every console page needs an account."""


def _dashboard(programme_id: int | None = None, year: int | None = None) -> Dashboard:
    actor = Actor.of_user(current_user)
    try:
        if programme_id is not None:
            return programme_dashboard.programme_dashboard(actor, programme_id)
        assert year is not None
        return programme_dashboard.year_dashboard(actor, year)
    except Refused as refused:
        abort(404 if refused.code == "not_found" else 403)


def _page(dashboard: Dashboard, workbook_url: str, year: bool = False) -> str:
    locale = current_locale()
    return render_template(
        "console/programme_dashboard.html",
        dashboard=dashboard,
        charts=programme_charts.dashboard_charts(dashboard, locale),
        level_names=LEVELS,
        stage_names=STAGES,
        workbook_url=workbook_url,
        year_view=year,
    )


def _workbook(dashboard: Dashboard, name: str) -> Response:
    return Response(
        dashboard_xlsx_bytes(dashboard, current_locale()),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/<int:programme_id>/dashboard")
def dashboard(programme_id: int) -> str:
    url = url_for("programmes.workbook", programme_id=programme_id)
    return _page(_dashboard(programme_id=programme_id), url)


@bp.get("/<int:programme_id>/dashboard.xlsx")
def workbook(programme_id: int) -> Response:
    return _workbook(_dashboard(programme_id=programme_id), f"programme{programme_id}.xlsx")


@bp.get("/years/<int:year>/dashboard")
def year(year: int) -> str:
    return _page(_dashboard(year=year), url_for("programmes.year_workbook", year=year), True)


@bp.get("/years/<int:year>/dashboard.xlsx")
def year_workbook(year: int) -> Response:
    return _workbook(_dashboard(year=year), f"programmes{year}.xlsx")
