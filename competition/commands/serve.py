"""`competition serve`: gunicorn in one process (in-process Socket.IO needs exactly one).

Socket.IO runs in threading mode: gunicorn's gthread worker hands each websocket its socket
(simple-websocket) and one thread for as long as it stays open.
"""

from __future__ import annotations

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

from competition import create_app
from competition.extensions import socketio


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn driven from Python, so the CLI needs no config file and no WSGI path."""

    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Worker threads: each open request or websocket holds one.",
)
@click.option("--dev", is_flag=True, help="Use Flask's reloading development server.")
def serve(host: str, port: int, threads: int, dev: bool) -> None:
    """Serve the web application."""
    if dev:
        # Werkzeug speaks websocket too; it refuses to start outside a terminal unless told
        socketio.run(create_app(), host=host, port=port, debug=True, allow_unsafe_werkzeug=True)
        return
    bind_host = f"[{host}]" if ":" in host else host
    _Gunicorn(
        {
            "bind": f"{bind_host}:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "accesslog": "-",
        }
    ).run()
