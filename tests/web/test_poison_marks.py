"""One bad row never poisons a contest: a mark stored behind the checks' back — a value the
engine cannot read, or a fourth judge's marks on a three-judge panel — is left out of the
board, its entrant shows as incomplete, the chief judge's monitor names it, and no page of
the contest answers 500 (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Entrant, Mark
from competition.services import judges
from tests.factories import make_admin
from tests.scenes import INSPECTION, Orchards, inspect, orchard_contest

PASSWORD = "correct horse battery"


def slip_in(scene: Orchards, code: str, judge_id: int, criterion: str, value: str) -> None:
    """A mark written straight into the table (an old version's check, a restored backup)."""
    entrant = db.session.query(Entrant).filter_by(event_id=scene.event_id, code=code).one()
    db.session.add(
        Mark(
            event_id=scene.event_id,
            entrant_id=entrant.id,
            criterion=criterion,
            judge_id=judge_id,
            value=value,
            entered_by="judge",
        )
    )
    db.session.commit()


def poisoned(how: str) -> Orchards:
    scene = orchard_contest(make_admin(), count=3)
    inspect(scene, "YA002")
    inspect(scene, "YA003")
    inspect(scene, "YA001", judges_=range(1, 3))  # the first judge's marks come below
    first = scene.judges[0].id or 0
    if how == "unreadable value":
        for criterion in INSPECTION:
            slip_in(scene, "YA001", first, criterion, "٥" if criterion == INSPECTION[0] else "4")
    else:  # a fourth judge, never seated, on YA001's three-judge panel
        for criterion in INSPECTION:
            slip_in(scene, "YA001", first, criterion, "4")
        fourth, _ = judges.create_judge(scene.admin, scene.contest_id, "第四位专家")
        slip_in(scene, "YA001", fourth.id, INSPECTION[1], "4")
    return scene


@pytest.mark.parametrize("how", ["unreadable value", "a judge beyond the panel"])
def test_a_bad_mark_is_left_out_and_every_page_still_answers(db_app: Flask, how: str) -> None:
    scene = poisoned(how)
    client: FlaskClient = db_app.test_client()
    contest, event = scene.contest_id, scene.event_id
    standings = client.get(f"/api/contests/{contest}/standings")
    assert standings.status_code == 200
    rows = {row["key"]: row for row in standings.json["board"]["events"][0]["rows"]}
    assert rows["YA001"]["status"] == "incomplete" and rows["YA001"]["rank"] is None
    assert rows["YA002"]["total"] is not None and rows["YA003"]["rank"] is not None
    for path in (f"/live/{contest}", f"/live/{contest}/screen", "/", "/api/contests"):
        assert client.get(path).status_code == 200, path
    signed = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert signed.status_code == 302
    console = f"/console/contests/{contest}"
    for path in (
        console,
        f"{console}/results/",
        f"{console}/events/{event}/monitor/",
        f"{console}/results/events/{event}/standings.csv",
    ):
        assert client.get(path).status_code == 200, path
    monitor = client.get(f"{console}/events/{event}/monitor/live?lang=en")
    assert "Marks the board leaves out" in monitor.text
    assert ("٥" in monitor.text) == (how == "unreadable value")
