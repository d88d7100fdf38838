"""The judges' side: sign in with the personal link (and PIN), see what to mark.

A judge has no account: opening the link stores the judge and the link's hash in the
session; reissuing or revoking the link ends that session on the next page.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from competition.i18n import current_locale
from competition.models import Judge
from competition.services import assignments, blind, entrants, judges
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
    judge = current_judge()
    if judge is None:
        return render_template("judge/invalid.html", reason=None), 403
    contest = judge.contest
    sheets = []
    for assignment in assignments.assignments_of(judge.id):
        event = next(e for e in contest.events if e.id == assignment.event_id)
        codes = blind.codes_by_entrant(event.id)
        listed = [assignment.entrant] if assignment.entrant else entrants.event_entrants(event.id)
        labels = [
            blind.display_label(e, codes.get(e.id), contest, may_see_names=False)
            for e in listed
            if e is not None
        ]
        sheets.append((event, assignment.criterion, labels))
    return render_template("judge/home.html", judge=judge, contest=contest, sheets=sheets)
