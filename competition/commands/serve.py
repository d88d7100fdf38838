"""`competition serve`: gunicorn in one process (a Socket.IO session lives in one process).

The worker follows `SOCKETIO_ASYNC_MODE`. Threading: gunicorn's gthread worker hands each
websocket its socket (simple-websocket) and one thread for as long as it stays open, so
``--threads`` bounds the open connections. Gevent: gunicorn's gevent worker, one greenlet per
connection (websockets through simple-websocket), bounded by ``--connections``. The app is
imported only inside the worker, after the gevent worker has patched the standard library.
Several processes behind one Redis message queue serve one contest: docs/deployment.md.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click
from gunicorn.app.base import BaseApplication
from gunicorn.errors import AppImportError

from competition.config import async_mode, proxy_count, time_zone

if TYPE_CHECKING:
    from flask import Flask

WORKERS = {"threading": "gthread", "gevent": "gevent"}
# Threading mode: seconds a thread may hold the GIL before a waiting one makes it switch.
# Python's 5 ms default, with thousands of threads waking at once (1,000 viewers leaving
# hold 4,000 threads), has each waiting thread wake every 5 ms to ask for the GIL: the
# worker spent 10 s of system time on those wake-ups, and its main thread, which tells
# gunicorn's master it is alive, waited over 30 s for the GIL (WORKER TIMEOUT, SIGKILL).
# At 50 ms the same leave costs under 1 s and the main thread is never starved.
THREADING_SWITCH_INTERVAL = 0.05


def threading_worker_started(_server: object, _worker: object) -> None:
    """gunicorn's post_fork hook in threading mode: in the worker, before any thread."""
    sys.setswitchinterval(THREADING_SWITCH_INTERVAL)


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn driven from Python, so the CLI needs no config file and no WSGI path."""

    def __init__(self, options: dict[str, object], locale: str) -> None:
        self.options = options
        self.locale = locale
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from competition import create_app
        from competition.database import schema_problem

        app = create_app()
        problem = schema_problem(app)
        if problem is not None:  # gunicorn prints it and stops: "App failed to load"
            raise AppImportError(problem.render(self.locale))
        return app


def gunicorn_options(
    mode: str, host: str, port: int, threads: int, connections: int
) -> dict[str, object]:
    bind_host = f"[{host}]" if ":" in host else host
    options: dict[str, object] = {
        "bind": f"{bind_host}:{port}",
        "workers": 1,
        "worker_class": WORKERS[mode],
        "worker_connections": connections,
        "accesslog": "-",
    }
    if mode == "threading":
        options["threads"] = threads
        options["post_fork"] = threading_worker_started
    return options


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Threading mode: worker threads; each open request or websocket holds one.",
)
@click.option(
    "--connections",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Open requests and websockets at most (threading mode: --threads too).",
)
@click.option("--dev", is_flag=True, help="Use Flask's reloading development server.")
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, threads: int, connections: int, dev: bool
) -> None:
    """Serve the web application (the database must have the newest schema: `competition db
    upgrade`)."""
    locale: str = ctx.obj["locale"]
    mode = async_mode(os.environ)  # a bad setting stops here, said by the command group
    proxy_count(os.environ)
    time_zone(os.environ)
    if dev:
        from competition import create_app
        from competition.database import schema_problem
        from competition.extensions import socketio

        # Werkzeug's server is threaded, whatever the environment says; it speaks websocket
        # too, and refuses to start outside a terminal unless told
        app = create_app({"SOCKETIO_ASYNC_MODE": "threading"})
        problem = schema_problem(app)
        if problem is not None:
            raise click.ClickException(problem.render(locale))
        socketio.run(app, host=host, port=port, debug=True, allow_unsafe_werkzeug=True)
        return
    _Gunicorn(gunicorn_options(mode, host, port, threads, connections), locale).run()
