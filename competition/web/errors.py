"""Friendly error pages in the reader's language; no traceback ever reaches a user."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from competition.database import is_busy
from competition.extensions import db
from competition.i18n import current_locale
from competition.rules.messages import N_, msg

log = logging.getLogger(__name__)


def forbidden(_error: HTTPException) -> tuple[str, int]:
    return render_template("errors/403.html"), 403


def bad_form(_error: HTTPException) -> tuple[str, int]:
    """A form without a valid CSRF token (expired page, or a forged request)."""
    return render_template("errors/400.html"), 400


def not_found(_error: HTTPException) -> tuple[str, int]:
    return render_template("errors/404.html"), 404


def server_error(_error: HTTPException) -> tuple[str, int]:
    return render_template("errors/500.html"), 500


def too_large(_error: HTTPException) -> tuple[str, int]:
    """A request body beyond MAX_UPLOAD_MB, refused before it is read."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_template("errors/413.html", megabytes=limit // (1024 * 1024)), 413


def too_many(_error: HTTPException) -> tuple[str, int]:
    """Too many failed attempts from one address (Flask-Limiter)."""
    return render_template("errors/429.html"), 429


def database_unavailable(error: Exception) -> tuple[str | Response, int]:
    """Every connection of this process stayed taken (the pool's timeout) or other writers
    held the database too long: ``503 busy``, answered at once and with a reason, never a
    hung request or a 500 (the API answers JSON)."""
    if isinstance(error, OperationalError) and not is_busy(error):
        log.error("database error: %r", error, exc_info=error)
        return server_error(InternalServerError())
    db.session.rollback()
    message = msg(N_("the server is busy: try again in a moment")).render(current_locale())
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": "busy", "message": message}}), 503
    return render_template("errors/503.html", message=message), 503
