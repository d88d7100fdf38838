"""A contest's time zone: new contests take the app's, the organiser changes it (audited),
a name that is no zone changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest
from competition.services import contests, lifecycle, users
from competition.services.authority import Refused
from tests.factories import make_admin, make_contest, make_user


def zone_entries(contest_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "contest.time_zone",
                AuditEntry.subject == f"contest:{contest_id}",
            )
        )
    )


def test_a_new_contest_shows_its_times_in_the_apps_zone(db_app: Flask) -> None:
    admin = make_admin()
    assert make_contest(admin).time_zone == "Asia/Shanghai"
    db_app.config["COMPETITION_TIME_ZONE"] = "Asia/Urumqi"
    assert make_contest(admin, name="乌鲁木齐赛区").time_zone == "Asia/Urumqi"


def test_the_organiser_changes_the_zone_and_the_audit_log_says_so(db_app: Flask) -> None:
    admin = make_admin()
    organiser = make_user(admin, "organiser")
    contest = make_contest(admin, organisers=(organiser.id or 0,))
    changed = contests.set_time_zone(organiser, contest.id, "asia/urumqi")
    assert changed.time_zone == "Asia/Urumqi"
    (entry,) = zone_entries(contest.id)
    assert entry.actor == organiser.label and entry.role == "organiser"
    assert entry.before == {"time_zone": "Asia/Shanghai"}
    assert entry.after == {"time_zone": "Asia/Urumqi"}


def test_a_name_that_is_no_zone_is_refused_and_changes_nothing(db_app: Flask) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    with pytest.raises(Refused) as refused:
        contests.set_time_zone(admin, contest.id, "Asia/Shangai")
    assert refused.value.code == "invalid"
    assert refused.value.render("en") == (
        "'Asia/Shangai' is not a time zone: give an IANA name such as Asia/Shanghai "
        "(Beijing time) or Asia/Urumqi"
    )
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).time_zone == "Asia/Shanghai"
    assert zone_entries(contest.id) == []


def test_only_an_organiser_changes_the_zone(db_app: Flask) -> None:
    admin = make_admin()
    chief = make_user(admin, "chief")
    contest = make_contest(admin)
    users.grant_role(admin, chief.id or 0, contest.id, "chief_judge")
    with pytest.raises(Refused) as refused:
        contests.set_time_zone(chief, contest.id, "UTC")
    assert refused.value.code == "forbidden"
    assert db.session.get(Contest, contest.id).time_zone == "Asia/Shanghai"


def test_a_refusal_names_the_end_of_the_publicity_window_on_the_contests_clock(
    db_app: Flask,
) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    contest.status = "published"
    contest.publicity_ends_at = datetime(2099, 12, 9, 21, 4, tzinfo=UTC)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        lifecycle.advance(admin, contest.id, "finalise")
    assert refused.value.render("en") == (
        "the publicity window is open until 10 Dec 2099, 05:04 (Beijing time)"
    )
