"""Friendly error pages in the reader's language; no traceback ever reaches a user."""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.exceptions import HTTPException


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
