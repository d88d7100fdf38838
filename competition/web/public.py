"""Pages anyone may open without signing in."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, url_for
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.services.board import PUBLISHED, public_contests
from competition.services.rulebook import list_rule_files
from competition.web.console import STAGE_NAMES

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    rule_files = list_rule_files(
        Path(current_app.config["SCORING_RULES_DIR"]), locale=current_locale()
    )
    return render_template(
        "public/index.html",
        rule_files=rule_files,
        contests=public_contests(),
        stage_names=STAGE_NAMES,
        published=PUBLISHED,
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Where a browser looks for the site's icon when a page does not name one."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
