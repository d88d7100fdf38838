"""The one module that builds a global app, for WSGI servers: `gunicorn wsgi:app`."""

from __future__ import annotations

from competition import create_app

app = create_app()
