"""The chief judge's monitor: judges × entrants progress, deviations, re-check requests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Entrant, Mark
from competition.services import assignments, judges, lifecycle, marks
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.factories import make_admin, make_contest

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def test_progress_deviation_and_a_recheck_request(
    client: FlaskClient, heard: Callable[[str], list[dict[str, object]]]
) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    for code in ("YA001", "YA002"):
        db.session.add(
            Entrant(event_id=event.id, code=code, name=code, attributes={"county": "宝塔区"})
        )
    db.session.commit()
    experts = []
    for name in ("甲", "乙", "丙"):
        judge, _ = judges.create_judge(admin, contest.id, name)
        assignments.assign(admin, judge.id, event.id, "canopy_pruning")
        experts.append(Actor("judge", judge.id, judge.name))
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    # canopy_pruning tolerates 3 from the median: 8, 8.5 and 2 → median 8, the 2 is far off
    for expert, value in zip(experts, ("8", "8.5", "2"), strict=True):
        marks.record_mark(expert, event.id, MarkInput("YA001", "canopy_pruning", value))
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{event.id}/monitor"
    page = client.get(base + "/")
    assert page.status_code == 200
    assert page.text.count(">1/1<") == 3 and page.text.count(">0/1<") == 3
    assert 'id="monitor-live"' in page.text and "js/monitor.js" in page.text
    # the mark far off, named as the chief judge reads it, with the panel's exact median
    assert "<td>树体结构与整形修剪</td><td>2</td><td>8 (± 3)</td>" in page.text
    # the live part alone, as the page fetches it when its socket says the marking moved
    marks.record_mark(experts[0], event.id, MarkInput("YA002", "canopy_pruning", "7"))
    live = client.get(base + "/live")
    assert live.status_code == 200 and "<html" not in live.text
    assert live.text.count(">1/1<") == 4 and 'name="note"' in live.text
    assert "Ask to re-check" in client.get(base + "/?lang=en").text
    told = heard("mark.recheck")
    client.post(
        f"{base}/recheck",
        data={
            "judge": experts[2].id,
            "entrant": "YA001",
            "item": "",
            "criterion": "canopy_pruning",
            "note": "请再看一下",
        },
    )
    assert told[-1]["judge_id"] == experts[2].id and told[-1]["note"] == "请再看一下"


def test_the_chief_judge_corrects_a_cell_with_a_reason(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    event = contest.events[0]
    db.session.add(
        Entrant(event_id=event.id, code="YA001", name="YA001", attributes={"county": "宝塔区"})
    )
    db.session.commit()
    judge, _ = judges.create_judge(admin, contest.id, "甲")
    assignments.assign(admin, judge.id, event.id, "canopy_pruning")
    lifecycle.advance(admin, contest.id, "open_registration")
    lifecycle.advance(admin, contest.id, "open_scoring")
    actor = Actor("judge", judge.id, judge.name)
    first = marks.record_mark(actor, event.id, MarkInput("YA001", "canopy_pruning", "8"))
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{event.id}/monitor"
    refused = client.post(
        f"{base}/correct?lang=en",
        data={
            "judge": judge.id,
            "entrant": "YA001",
            "item": "",
            "criterion": "canopy_pruning",
            "value": "9",
            "reason": "",
        },
        follow_redirects=True,
    )
    assert "needs the cell, the new value and a reason" in refused.text
    client.post(
        f"{base}/correct",
        data={
            "judge": judge.id,
            "entrant": "YA001",
            "item": "",
            "criterion": "canopy_pruning",
            "value": "9",
            "reason": "录入错误",
        },
    )
    newest = db.session.query(Mark).order_by(Mark.id.desc()).first()
    assert newest is not None and (newest.value, newest.supersedes_id, newest.reason) == (
        "9",
        first.id,
        "录入错误",
    )


def test_a_forged_judge_field_is_a_message_not_a_server_error(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin, "苹果", rules="apple_orchard_per_mu_benefit.yaml")
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/events/{contest.events[0].id}/monitor"
    for path in ("recheck", "correct"):
        response = client.post(
            f"{base}/{path}",
            data={
                "judge": "not-a-number",
                "entrant": "YA001",
                "criterion": "canopy_pruning",
                "value": "9",
                "reason": "x",
            },
            follow_redirects=True,
        )
        assert response.status_code == 200
    other = make_contest(admin, "别的")
    response = client.get(f"/console/contests/{other.id}/events/{contest.events[0].id}/monitor/")
    assert response.status_code == 404
