"""Extension singletons, bound to an application by the factory."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from competition.i18n import CatalogBabel


class Base(DeclarativeBase):
    """Typed declarative base, so models use ``Mapped[...]`` columns."""


db = SQLAlchemy(model_class=Base)
babel = CatalogBabel()
