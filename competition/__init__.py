"""Live scoring for labour skill contests.

``competition.create_app`` is imported on first use, so that the rule engine and the command
line do not pay for loading Flask and SQLAlchemy when they do not serve pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from competition.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from competition.app import create_app

        return create_app
    raise AttributeError(f"module 'competition' has no attribute {name!r}")
