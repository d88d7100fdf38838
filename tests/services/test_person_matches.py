"""Entrants who may be people on record: what an import leaves for the organiser to confirm,
found again from the database until each is linked or kept apart."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant
from competition.services import entrants, people, person_matches
from tests.factories import make_admin, make_contest
from tests.services.test_entrants import xlsx
from tests.services.test_people import HEADERS, LI, ZHANG


def test_an_imports_near_matches_wait_with_the_reason_until_the_organiser_decides(
    db_app: Flask,
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    event = contest.events[0]
    numbered = people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
    unnumbered = people.create_person(admin, "王芳", "延安市热力公司")
    people.create_person(admin, "李秀英", "另一个单位")  # same name, another unit: no match
    sheet = xlsx(
        [
            HEADERS,
            ["W01", "张建军", "延安市热力公司", "是", ""],
            ["W02", "王芳", "延安市热力公司", "是", ""],
            ["W03", "李秀英", "市自来水公司", "是", ""],
            ["W04", "赵强", "市自来水公司", "是", LI],
        ]
    )
    result = entrants.import_entrants(admin, event.id, sheet, "报名表.xlsx")
    assert [(n.row, n.code) for n in result.people.near] == [(2, "W01"), (3, "W02")]
    found = person_matches.pending_matches(event)
    assert [(m.entrant.code, m.person.id) for m in found] == [
        ("W01", numbered.id),
        ("W02", unnumbered.id),
    ]
    first, second = (m.reason.render("en") for m in found)
    assert "same name and unit" in first and "*" * 14 + ZHANG[-4:] in first
    assert "neither has an ID number" in second
    w01 = db.session.scalar(select(Entrant).where(Entrant.code == "W01"))
    w02 = db.session.scalar(select(Entrant).where(Entrant.code == "W02"))
    assert w01 is not None and w02 is not None
    people.link_entrant(admin, w01.id, numbered.id)  # the same person
    people.link_new_person(admin, w02.id, "王芳", "延安市热力公司")  # someone else
    assert person_matches.pending_matches(event) == []


def test_an_erased_person_is_no_ones_match(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    person = people.create_person(admin, "王芳", "延安市热力公司")
    people.erase_person(admin, person.id, "本人申请")
    entrants.import_entrants(
        admin,
        contest.events[0].id,
        xlsx([HEADERS, ["W01", "王芳", "延安市热力公司", "是", ""]]),
        "报名表.xlsx",
    )
    assert person_matches.pending_matches(contest.events[0]) == []
