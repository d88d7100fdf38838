"""The tables, typed (SQLAlchemy 2.0); services are the only code that writes them."""

from competition.models.audit import AuditEntry, AuditHead
from competition.models.contest import BoardChange, Contest, Event, Round, RuleVersion
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
from competition.models.programme import Conflict, Organisation, Person, Programme, Qualifier
from competition.models.publication import Appeal, Certificate, Publication

__all__ = [
    "Assignment",
    "Appeal",
    "AuditEntry",
    "AuditHead",
    "BoardChange",
    "BlindCode",
    "BlindDraw",
    "Certificate",
    "Conflict",
    "Contest",
    "ContestRole",
    "Entrant",
    "Event",
    "Judge",
    "Mark",
    "Organisation",
    "Person",
    "Programme",
    "Publication",
    "Qualifier",
    "Round",
    "RuleVersion",
    "SheetSignoff",
    "User",
]
