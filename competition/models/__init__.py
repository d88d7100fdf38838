"""The tables, typed (SQLAlchemy 2.0); services are the only code that writes them."""

from competition.models.audit import AuditEntry, AuditHead
from competition.models.contest import Contest, Event, Round, RuleVersion
from competition.models.marks import Mark, SheetSignoff
from competition.models.people import (
    Assignment,
    BlindCode,
    BlindDraw,
    ContestRole,
    Entrant,
    Judge,
    User,
)

__all__ = [
    "Assignment",
    "AuditEntry",
    "AuditHead",
    "BlindCode",
    "BlindDraw",
    "Contest",
    "ContestRole",
    "Entrant",
    "Event",
    "Judge",
    "Mark",
    "Round",
    "RuleVersion",
    "SheetSignoff",
    "User",
]
