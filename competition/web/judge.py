"""The judges' side: sign in with the personal link (and PIN), see what to mark.

A judge has no account: opening the link stores the judge and the link's hash in the
session; reissuing or revoking the link ends that session on the next page.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from competition.extensions import limiter
from competition.i18n import current_locale
from competition.models import Judge
from competition.services import judges, scoring
from competition.services.authority import Refused
from competition.web.forms import PinForm
from competition.web.security import JUDGE_LINK_LIMIT, failed_lookup

bp = Blueprint("judge", __name__, url_prefix="/judge")

# Every static file the tablet page loads (base.html and judge/home.html): the service worker
# keeps them so the page opens with no network.
TABLET_ASSETS = (
    "css/app.css",
    "css/judge.css",
    "favicon.svg",
    "vendor/socket.io.min.js",
    "js/dom.js",
    "js/judge_scale.js",
    "js/judge_store.js",
    "js/judge_sheet.js",
    "js/judge_draw.js",
    "js/judge_screen.js",
    "js/judge_notices.js",
    "js/judge_entry.js",
    "js/judge_link.js",
    "js/judge_tablet.js",
)


@bp.route("/login/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: JUDGE_LINK_LIMIT, deduct_when=failed_lookup)
def login(token: str) -> str | Response | tuple[str, int]:
    """Open a judge's link. A link with a PIN asks for it; a wrong PIN asks again (a few
    tries, then a pause); a dead link says so and nothing else."""
    form = PinForm()
    posted = request.method == "POST"
    if posted and not form.validate_on_submit():
        return render_template("judge/pin.html", form=form)
    signed = current_judge()
    if not posted and signed is not None and session["judge_link"] != judges.token_hash(token):
        return ask_to_switch(signed, token)
    try:
        judge = judges.judge_for_token(token, form.pin.data if posted else None)
    except Refused as refused:
        if posted:
            form.pin.errors = [refused.render(current_locale())]
            return render_template("judge/pin.html", form=form)
        if refused.code == "pin_required":
            return render_template("judge/pin.html", form=form)
        return render_template("judge/invalid.html", reason=refused.render(current_locale())), 403
    sign_out()
    session["judge_id"], session["judge_link"] = judge.id, judge.token_hash
    return redirect(url_for("judge.home"))


def ask_to_switch(signed: Judge, token: str) -> str | tuple[str, int]:
    """Another judge's link opened on a tablet signed in as ``signed``: ask before switching
    (the marks the tablet has not sent yet belong to ``signed`` and stay theirs). A link with
    a PIN names its judge only after the PIN."""
    try:
        newcomer: str | None = judges.judge_for_token(token).name
    except Refused as refused:
        if refused.code not in ("pin_required", "locked"):
            reason = refused.render(current_locale())
            return render_template("judge/invalid.html", reason=reason), 403
        newcomer = None
    return render_template("judge/switch.html", judge=signed, newcomer=newcomer, token=token)


@bp.post("/switch/<token>")
def switch(token: str) -> Response:
    """The judge on the tablet agreed to hand it over: sign them out, then open the link."""
    sign_out()
    return redirect(url_for("judge.login", token=token))


def sign_out() -> None:
    """End the judge's session; the language the tablet was set to stays."""
    lang = session.get("lang")
    session.clear()
    if lang is not None:
        session["lang"] = lang


def current_judge() -> Judge | None:
    if "judge_id" not in session:
        return None
    try:
        return judges.signed_in_judge(int(session["judge_id"]), str(session["judge_link"]))
    except Refused:
        session.clear()
        return None


@bp.get("/")
def home() -> str | tuple[str, int]:
    """The tablet page: the judge's sheets as JSON for static/js/judge_tablet.js and its
    judge_*.js parts, which draw them, take marks by touch and send them over Socket.IO
    (namespace /judge)."""
    judge = current_judge()
    if judge is None:
        return render_template("judge/invalid.html", reason=None), 403
    sheets = [sheet_json(sheet) for sheet in scoring.judge_sheets(judge)]
    return render_template("judge/home.html", judge=judge, contest=judge.contest, sheets=sheets)


@bp.get("/sw.js")
def service_worker() -> Response:
    """The tablet's service worker, served from /judge/ because a worker controls only pages
    under its own path. Its text changes with the files it keeps, so a new release replaces
    the worker and its cache."""
    assets = [url_for("static", filename=name) for name in TABLET_ASSETS]
    script = render_template(
        "judge/sw.js", page=url_for("judge.home"), assets=assets, version=assets_version()
    )
    response = make_response(script)
    response.headers["Content-Type"] = "application/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


def assets_version() -> str:
    static = Path(current_app.static_folder or "static")
    digest = hashlib.sha256()
    for name in TABLET_ASSETS:
        path = static / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:16]


def sheet_json(sheet: scoring.JudgeSheet) -> dict[str, Any]:
    """A sheet as the page's script reads it (the shape of the "sheet" acknowledgement)."""
    data = asdict(sheet)
    data["signed_at"] = sheet.signed_at.isoformat() if sheet.signed_at else None
    return data
