"""A person's titles carry their validity: dated by the publication that granted them, in
the contest's time zone, valid for the rule file's years or for life, and marked expired."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import select, update

from competition.extensions import db
from competition.models import Contest, Entrant, Publication
from competition.services import people, person_record
from competition.services.person_record import add_years
from tests.factories import make_admin
from tests.scenes import orchard_contest, publish
from tests.welding_scenes import publish_round, welding_round

JUNE_30_EVENING_UTC = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)  # 1 July 01:00 in Beijing


def welder(round_id: int, code: str = "W01") -> Entrant:
    entrant = db.session.scalar(
        select(Entrant).where(Entrant.event_id == round_id, Entrant.code == code)
    )
    assert entrant is not None
    return entrant


def published_on(contest_id: int, moment: datetime) -> None:
    db.session.execute(
        update(Publication).where(Publication.contest_id == contest_id).values(published_at=moment)
    )
    db.session.commit()


def test_a_welding_title_is_valid_three_years_from_the_publication(db_app: Flask) -> None:
    admin = make_admin()
    round_ = welding_round(admin, "市焊工决赛")
    entrant = welder(round_.event_id)
    person = people.link_new_person(admin, entrant.id, entrant.name, "延安市热力公司")
    publish_round(admin, round_)
    published_on(round_.contest_id, JUNE_30_EVENING_UTC)
    (entry,) = person_record.person_record(admin, person.id).entries
    (title,) = entry.titles
    assert title.name == "市技术能手"
    assert title.awarded_on == date(2025, 7, 1)  # the day in Beijing, not in UTC
    assert title.valid_until == date(2028, 7, 1)
    assert title.expired is False
    exported = person_record.export_person(admin, person.id)
    assert exported["entries"][0]["titles"] == [
        {
            "name": "市技术能手",
            "awarded_on": "2025-07-01",
            "valid_until": "2028-07-01",
            "expired": False,
        }
    ]


def test_the_award_day_is_read_in_the_contests_time_zone(db_app: Flask) -> None:
    admin = make_admin()
    round_ = welding_round(admin, "市焊工决赛")
    entrant = welder(round_.event_id)
    person = people.link_new_person(admin, entrant.id, entrant.name)
    publish_round(admin, round_)
    contest = db.session.get(Contest, round_.contest_id)
    assert contest is not None
    contest.time_zone = "UTC"
    published_on(round_.contest_id, JUNE_30_EVENING_UTC)
    (title,) = person_record.person_record(admin, person.id).entries[0].titles
    assert (title.awarded_on, title.valid_until) == (date(2025, 6, 30), date(2028, 6, 30))


def test_a_title_past_its_validity_is_marked_expired(db_app: Flask) -> None:
    admin = make_admin()
    round_ = welding_round(admin, "市焊工决赛")
    entrant = welder(round_.event_id)
    person = people.link_new_person(admin, entrant.id, entrant.name)
    publish_round(admin, round_)
    published_on(round_.contest_id, datetime(2020, 5, 20, 2, 0, tzinfo=UTC))
    (title,) = person_record.person_record(None, person.id).entries[0].titles
    assert (title.valid_until, title.expired) == (date(2023, 5, 20), True)


def test_a_title_the_rule_gives_no_validity_is_for_life(db_app: Flask) -> None:
    scene = orchard_contest(make_admin())
    entrant = db.session.scalar(select(Entrant).where(Entrant.code == "YA004"))
    assert entrant is not None
    person = people.link_new_person(scene.admin, entrant.id, "张建军", "农场3")
    publish(scene)
    published_on(scene.contest_id, datetime(1990, 1, 1, tzinfo=UTC))
    (entry,) = person_record.person_record(scene.admin, person.id).entries
    assert entry.titles, "the orchard YA004 is titled"
    assert all(t.valid_until is None and not t.expired for t in entry.titles)


def test_a_leap_day_award_runs_to_the_28th_of_february() -> None:
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
