"""Extension singletons, bound to an application by the factory."""

from __future__ import annotations

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
