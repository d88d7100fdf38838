"""Signing organisers, chief judges and admins in and out (Flask-Login)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from competition.extensions import limiter, login_manager
from competition.i18n import current_locale
from competition.models import User
from competition.services import users
from competition.services.authority import Refused
from competition.web.forms import LoginForm
from competition.web.security import SIGN_IN_LIMIT, failed_sign_in

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The account a session cookie names, if the cookie was issued under the account's
    current session version (a sign-out raises it)."""
    user_id, _dot, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 10 or len(version) > 10:
        return None
    user = users.get_user(int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def safe_next(target: str) -> str | None:
    """A path of this site to go on to after signing in, or None: no scheme, no host, and no
    backslash, space or control character a browser might read its way to `//elsewhere` by."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if not target.isprintable() or any(ch.isspace() for ch in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: SIGN_IN_LIMIT, methods=["POST"], deduct_when=failed_sign_in)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.username.data or "", form.password.data or "")
        except Refused as refused:
            form.password.errors = [refused.render(current_locale())]
        else:
            login_user(user)
            return redirect(safe_next(request.args.get("next", "")) or url_for("console.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Signs the account out everywhere: a copy of the cookie stops working too."""
    users.end_sessions(current_user)
    logout_user()
    flash(_("Signed out."))
    return redirect(url_for("auth.login"))
