"""Friendly error pages in the reader's language; no traceback ever reaches a user."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException


def not_found(_error: HTTPException) -> tuple[str, int]:
    return render_template("errors/404.html"), 404


def server_error(_error: HTTPException) -> tuple[str, int]:
    return render_template("errors/500.html"), 500
