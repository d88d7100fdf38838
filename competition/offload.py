"""Where blocking work runs under each Socket.IO async mode.

Under gevent every socket and request is a greenlet on one event loop: a pandas computation
or a database commit waiting for the disk would hold up every tablet and phone. Such work is
handed to a real thread of gevent's pool, and only the calling greenlet waits for it. In
threading mode each socket and request has a thread of its own already, and the work runs
where it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from flask import Flask

T = TypeVar("T")


def off_the_loop(app: Flask, work: Callable[[], T]) -> T:
    """``work()``, run where it cannot hold up the server's event loop (see above): under
    gevent in a pool thread, with an app context and a database session of its own that are
    given back at the end; in threading mode right here, in the caller's context."""
    if app.config.get("SOCKETIO_ASYNC_MODE") != "gevent":
        return work()
    import gevent  # type: ignore[import-untyped]

    from competition.extensions import db

    def run() -> T:
        with app.app_context():
            try:
                return work()
            finally:
                db.session.remove()

    return cast(T, gevent.get_hub().threadpool.apply(run))
