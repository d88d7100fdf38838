"""Signing organisers, chief judges and admins in and out (Flask-Login)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from competition.extensions import login_manager
from competition.i18n import current_locale
from competition.models import User
from competition.services import users
from competition.services.authority import Refused
from competition.web.forms import LoginForm

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return users.get_user(int(user_id)) if user_id.isdigit() else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.username.data or "", form.password.data or "")
        except Refused as refused:
            form.password.errors = [refused.render(current_locale())]
        else:
            login_user(user)
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("console.index")
            return redirect(target)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash(_("Signed out."))
    return redirect(url_for("auth.login"))
