"""The stages of a contest's lifecycle by name, for every message that names one (the
console shows the same names)."""

from __future__ import annotations

from competition.rules.messages import N_, Message, msg

STAGE_NAMES = {
    "draft": N_("Draft"),
    "registration": N_("Registration"),
    "scoring": N_("Scoring"),
    "review": N_("Review"),
    "locked": N_("Locked"),
    "published": N_("Published (publicity window)"),
    "final": N_("Final"),
}


def stage_name(stage: str) -> Message:
    """The stage's name in the reader's language (an unknown stage as it is stored)."""
    return msg(STAGE_NAMES.get(stage, stage))
