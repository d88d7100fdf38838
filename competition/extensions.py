"""Extension singletons, bound to an application by the factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from competition.i18n import CatalogBabel


class Base(DeclarativeBase):
    """Typed declarative base, so models use ``Mapped[...]`` columns."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = CatalogBabel()
login_manager = LoginManager()
csrf = CSRFProtect()
socketio = SocketIO()
# per client address, on the routes that take a secret (web/security.py has the limits)
limiter = Limiter(get_remote_address)

T = TypeVar("T")


def process_state(name: str, make: Callable[[], T], app: Flask | None = None) -> T:
    """What one server process keeps for an app (a cache, a queue), made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(name)
    if found is None:
        found = app.extensions.setdefault(name, make())
    return cast(T, found)
