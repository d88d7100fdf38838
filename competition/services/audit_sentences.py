"""What each kind of audit entry means, in words an organiser reads: a sentence per action
the services record, the names of roles and of the values an entry holds.

Every action a service passes to ``audit.record`` or ``audit.Draft`` has its sentence here
(tests/services/test_audit_reading.py fails for one without); an action this catalogue
does not know yet still reads as a sentence naming it.
"""

from __future__ import annotations

from competition.rules.messages import N_, Message, msg

SENTENCES = {
    "contest.create": N_("Created the contest"),
    "contest.from_template": N_(
        "Created the contest from a past one (its rules, events and judges' panel)"
    ),
    "contest.open_registration": N_("Opened registration"),
    "contest.open_scoring": N_("Opened scoring"),
    "contest.close_scoring": N_("Ended scoring"),
    "contest.lock": N_("Locked the results"),
    "contest.publish": N_("Published the contest (the publicity window opens)"),
    "contest.finalise": N_("Made the results final"),
    "contest.unblind": N_("Opened the names (unblinded)"),
    "results.publish": N_("Published the results"),
    "rules.new_version": N_("Put a new version of the rule file in force"),
    "event.item_count": N_("Chose how many items an event has"),
    "contest.placement": N_("Changed the contest's programme, organisation or trade"),
    "organisation.create": N_("Added a union organisation"),
    "programme.create": N_("Added a programme of contests"),
    "contest.time_zone": N_("Changed the time zone the contest's times are shown in"),
    "documents.issuer": N_("Set the issuing body and date of the official documents"),
    "documents.seal": N_("Changed the seal on the official documents"),
    "round.open": N_("Opened scoring of an item"),
    "round.closed": N_("Closed scoring of an item"),
    "user.create": N_("Created an account"),
    "user.unlock": N_("Unlocked an account"),
    "role.grant": N_("Granted a role"),
    "entrants.import": N_("Imported entrants from a sheet"),
    "entrant.add": N_("Added an entrant"),
    "entrant.remove": N_("Removed an entrant"),
    "entrant.edit": N_("Corrected an entrant's name or details"),
    "judge.create": N_("Added a judge"),
    "judge.reissue_token": N_("Issued a judge a new login link"),
    "judge.revoke": N_("Revoked a judge's login link"),
    "judge.assign": N_("Assigned a judge"),
    "judge.unassign": N_("Withdrew a judge's assignment"),
    "judge.assign_override": N_("Assigned a judge despite a conflict of interest (回避)"),
    "pool.add": N_("Added a person to the judges' pool"),
    "conflict.declare": N_("Declared a judge's conflict of interest (回避)"),
    "conflict.withdraw": N_("Withdrew a judge's declared conflict of interest"),
    "blind.draw": N_("Drew the blind codes"),
    "blind.discard": N_("Discarded a draw of blind codes"),
    "blind.view_mapping": N_("Opened the sealed mapping of blind codes"),
    "mark.record": N_("Recorded a mark"),
    "mark.correct": N_("Corrected a mark"),
    "mark.recheck_request": N_("Asked a judge to check a mark again"),
    "sheet.sign": N_("Signed the score sheet"),
    "board.mode": N_("Changed what the public board shows"),
    "appeal.record": N_("Recorded an appeal"),
    "appeal.upheld": N_("Upheld an appeal"),
    "appeal.rejected": N_("Rejected an appeal"),
    "person.create": N_("Put a person on record"),
    "entrant.person": N_("Said which person on record an entrant is"),
    "person.export": N_("Exported a person's data (a request under PIPL)"),
    "person.erase": N_("Erased a person's data on request (PIPL)"),
    "qualifier.declare": N_("Declared that the best of an earlier event advance into this one"),
    "qualifier.remove": N_("Withdrew a qualifier"),
    "qualifier.carry": N_("Carried the qualifying entrants into the final"),
}

ROLES = {
    "admin": N_("Admin"),
    "organiser": N_("Organiser"),
    "chief_judge": N_("Chief judge"),
    "judge": N_("Judge"),
    "system": N_("System"),
}

# the values an entry's before and after hold, by key
KEYS = {
    "value": N_("value"),
    "status": N_("stage"),
    "username": N_("user name"),
    "is_admin": N_("admin"),
    "role": N_("role"),
    "count": N_("rows"),
    "file": N_("file"),
    "sha256": N_("SHA-256"),
    "mapping": N_("columns"),
    "code": N_("code"),
    "name": N_("name"),
    "attributes": N_("details"),
    "draw": N_("draw"),
    "method": N_("method"),
    "seed": N_("seed"),
    "entrants": N_("entrants"),
    "drawn_by": N_("drawn by"),
    "drawn_at": N_("drawn at"),
    "mode": N_("board"),
    "frozen_at": N_("frozen at"),
    "unit": N_("unit"),
    "pin": N_("PIN"),
    "marks": N_("marks"),
    "version": N_("version"),
    "publication": N_("publication"),
    "number": N_("number"),
    "rules": N_("rule files"),
    "certificates_issued": N_("certificates issued"),
    "publicity_ends_at": N_("publicity window ends"),
    "correction": N_("correction"),
    "appellant": N_("appellant"),
    "grounds": N_("grounds"),
    "unblinded_at": N_("names opened at"),
    "events": N_("events"),
    "blind": N_("blind judging"),
    "assignment": N_("assignment"),
    "person": N_("person"),
    "id_number": N_("ID number"),
    "erased": N_("erased"),
    "erased_at": N_("erased at"),
    "people_linked": N_("people found on record"),
    "people_created": N_("people put on record"),
    "near_matches": N_("possible matches to confirm"),
    "conflicts": N_("conflicts overridden"),
    "declared": N_("declared conflict"),
    "expertise": N_("expertise"),
    "reason": N_("reason"),
    "programme": N_("programme"),
    "organisation": N_("organisation"),
    "trade": N_("trade"),
    "level": N_("level"),
    "parent": N_("under"),
    "district": N_("district"),
    "year": N_("year"),
    "series": N_("series"),
    "budget": N_("budget (yuan)"),
    "source": N_("source event"),
    "top": N_("top N"),
    "tier": N_("tier"),
    "template": N_("started from"),
    "judges": N_("judges"),
    "assignments": N_("assignments"),
    "left_out": N_("assignments to one entrant, left out"),
}

ROUND_STATES = {"open": N_("open"), "closed": N_("closed")}
BOARD_MODES = {
    "provisional": N_("provisional standings"),
    "frozen": N_("frozen"),
    "hidden": N_("hidden until publication"),
}


def sentence(action: str) -> Message:
    """What the entry records, as a sentence; an action not in the catalogue by its id."""
    known = SENTENCES.get(action)
    if known is not None:
        return msg(known)
    return msg(N_("Recorded “{action}”"), action=action)


def role_name(role: str) -> Message:
    return msg(ROLES.get(role, role))


def key_name(key: str) -> Message:
    return msg(KEYS.get(key, key))
