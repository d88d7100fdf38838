"""The union office's programme dashboard in the console: a programme's (or a year's)
contests, entrants and prize money against the budgets, its charts and its workbook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services import programme_charts, programme_dashboard
from competition.services.authority import Actor, Refused
from competition.services.programme_contests import NONE_KEY, NOT_RECORDED, Filters
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


def _dashboard(
    programme_id: int | None = None, year: int | None = None, listed: bool = False
) -> Dashboard:
    """The dashboard with the page of contests the query string asks for, or (``listed``)
    with every contest, for the workbook."""
    actor = Actor.of_user(current_user)
    filters = Filters() if listed else Filters.of(request.args.to_dict())
    page = None if listed else request.args.get("page", default=1, type=int)
    try:
        if programme_id is not None:
            return programme_dashboard.programme_dashboard(actor, programme_id, filters, page)
        assert year is not None
        return programme_dashboard.year_dashboard(actor, year, filters, page)
    except Refused as refused:
        abort(404 if refused.code == "not_found" else 403)


def _listing_url(filters: Filters) -> Callable[..., str]:
    """This page's address with another page number or other filters, the rest kept."""
    endpoint = request.endpoint or ""
    view_args: dict[str, Any] = dict(request.view_args or {})

    def address(page: int = 1, **changes: str) -> str:
        query = {k: v for k, v in {**filters.query(), **changes}.items() if v}
        if page > 1:
            query["page"] = str(page)
        return url_for(endpoint, **{**view_args, **query})

    return address


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
        listing_url=_listing_url(dashboard.contests.filters),
        filter_value=_filter_value,
        filter_choices=_filter_choices(dashboard),
    )


def _filter_value(key: str) -> str:
    return NOT_RECORDED if key == NONE_KEY else key


def _filter_choices(dashboard: Dashboard) -> list[tuple[str, object, list[tuple[str, object]]]]:
    """The table's filters: each with the values the programme has (stages and levels in
    their order, trades and districts by name), as (field, label, [(value, text)])."""
    not_recorded = _l("(not recorded)")

    def options(keys: list[str], names: dict[str, object]) -> list[tuple[str, object]]:
        return [(_filter_value(k), names.get(k, k) if k else not_recorded) for k in keys]

    def ordered(present: dict[str, int], order: dict[str, object]) -> list[str]:
        known = [k for k in order if k in present]
        return known + sorted(k for k in present if k not in order)

    return [
        ("status", _l("Stage"), options(ordered(dashboard.by_status, STAGES), STAGES)),
        ("level", _l("Level"), options(ordered(dashboard.by_level, LEVELS), LEVELS)),
        ("trade", _l("Trade"), options(sorted(dashboard.by_trade), {})),
        ("district", _l("District"), options(sorted(dashboard.by_district), {})),
    ]


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
    dashboard = _dashboard(programme_id=programme_id, listed=True)
    return _workbook(dashboard, f"programme{programme_id}.xlsx")


@bp.get("/years/<int:year>/dashboard")
def year(year: int) -> str:
    return _page(_dashboard(year=year), url_for("programmes.year_workbook", year=year), True)


@bp.get("/years/<int:year>/dashboard.xlsx")
def year_workbook(year: int) -> Response:
    return _workbook(_dashboard(year=year, listed=True), f"programmes{year}.xlsx")
