"""Where blocking work runs under each Socket.IO async mode.

Under gevent every socket and request is a greenlet on one event loop: a pandas computation
or a database commit waiting for the disk would hold up every tablet and phone. Such work is
handed to a real thread of gevent's pool, and only the calling greenlet waits for it. In
threading mode each socket and request has a thread of its own already, and the work runs
where it is called.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar, cast

from flask import Flask

T = TypeVar("T")


_HERE = threading.local()  # under gevent, greenlet-local: set in the pool's worker greenlet


def off_the_loop(app: Flask, work: Callable[[], T]) -> T:
    """``work()``, run where it cannot hold up the server's event loop (see above): under
    gevent in a pool thread, with an app context and a database session of its own that are
    given back at the end (the caller's connection goes back to the pool while it waits);
    in threading mode, or already off the loop, right here in the caller's context."""
    if app.config.get("SOCKETIO_ASYNC_MODE") != "gevent" or getattr(_HERE, "off", False):
        return work()
    import gevent  # type: ignore[import-untyped]

    from competition.database import release_connection
    from competition.extensions import db

    def run() -> T:
        _HERE.off = True
        try:
            with app.app_context():
                try:
                    return work()
                finally:
                    db.session.remove()
        finally:
            _HERE.off = False

    release_connection()
    return cast(T, gevent.get_hub().threadpool.apply(run))


def pool_lock() -> threading.Lock:
    """A lock taken only by work running off the loop (:func:`off_the_loop`): under gevent
    the operating system's lock that monkey-patching replaced, since the pool's threads are
    real threads and a gevent lock waited on in one of them and released in another has to
    wake the waiter's own hub (a waiter stalled 10 s and more under a burst of requests);
    in threading mode the usual lock."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return threading.Lock()
    allocate = monkey.get_original("threading", "Lock")
    return cast(threading.Lock, allocate())
