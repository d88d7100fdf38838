"""Friendly error pages in the reader's language; no traceback ever reaches a user."""

from __future__ import annotations

from flask import render_template
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
