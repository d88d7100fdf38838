"""The bare floor for bench/ingest.py: a minimal Flask-SocketIO app whose ``mark`` event on
``/judge`` acks its payload back, served by gunicorn exactly as ``competition serve`` serves
(its own options: one worker, gthread for threading, gevent for gevent).

    python -m bench.echo_app --mode threading --port P [--threads N] [--connections N]
                             [--queue redis://…]
"""

from __future__ import annotations

import argparse
from typing import Any

from gunicorn.app.base import BaseApplication

from competition.commands.serve import gunicorn_options  # the same gunicorn settings


def create_app(mode: str, queue: str | None, channel: str) -> Any:
    from flask import Flask
    from flask_socketio import SocketIO

    app = Flask(__name__)
    socketio = SocketIO(
        app, async_mode=mode, message_queue=queue, channel=channel, cors_allowed_origins=None
    )

    @socketio.on("mark", namespace="/judge")  # type: ignore[untyped-decorator]
    def mark(data: Any) -> Any:
        return data

    @socketio.on("connect", namespace="/live")  # type: ignore[untyped-decorator]
    def viewer(auth: Any = None) -> None:
        pass

    @app.get("/")
    def index() -> str:
        return "echo"

    return app


class Echo(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, object], args: argparse.Namespace) -> None:
        self.options, self.args = options, args
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:  # imported in the worker, after gevent has patched
        return create_app(self.args.mode, self.args.queue, self.args.channel)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["threading", "gevent"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=256)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--queue")
    parser.add_argument("--channel", default="flask-socketio")
    args = parser.parse_args()
    options = gunicorn_options(args.mode, "127.0.0.1", args.port, args.threads, args.connections)
    Echo(options, args).run()


if __name__ == "__main__":
    main()
