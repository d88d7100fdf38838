"""The judges' side: sign in with the personal link (and PIN), see what to mark.

A judge has no account: opening the link stores the judge and the link's hash in the
session; reissuing or revoking the link ends that session on the next page.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.models import Judge
from competition.services import judges, scoring
from competition.services.authority import Refused
from competition.web.forms import PinForm

bp = Blueprint("judge", __name__, url_prefix="/judge")


@bp.route("/login/<token>", methods=["GET", "POST"])
def login(token: str) -> str | Response | tuple[str, int]:
    """Open a judge's link. A link with a PIN asks for it; a wrong PIN asks again (a few
    tries, then a pause); a dead link says so and nothing else."""
    form = PinForm()
    posted = request.method == "POST"
    if posted and not form.validate_on_submit():
        return render_template("judge/pin.html", form=form)
    try:
        judge = judges.judge_for_token(token, form.pin.data if posted else None)
    except Refused as refused:
        if posted:
            form.pin.errors = [refused.render(current_locale())]
            return render_template("judge/pin.html", form=form)
        if refused.code == "pin_required":
            return render_template("judge/pin.html", form=form)
        return render_template("judge/invalid.html", reason=refused.render(current_locale())), 403
    session.clear()
    session["judge_id"], session["judge_link"] = judge.id, judge.token_hash
    return redirect(url_for("judge.home"))


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
    """The tablet page: the judge's sheets as JSON for static/js/judge_tablet.js, which
    draws them, takes marks by touch and sends them over Socket.IO (namespace /judge)."""
    judge = current_judge()
    if judge is None:
        return render_template("judge/invalid.html", reason=None), 403
    sheets = [sheet_json(sheet) for sheet in scoring.judge_sheets(judge)]
    return render_template("judge/home.html", judge=judge, contest=judge.contest, sheets=sheets)


def sheet_json(sheet: scoring.JudgeSheet) -> dict[str, Any]:
    """A sheet as the page's script reads it (the shape of the "sheet" acknowledgement)."""
    data = asdict(sheet)
    data["signed_at"] = sheet.signed_at.isoformat() if sheet.signed_at else None
    return data
