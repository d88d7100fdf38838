"""Blind-code pages: the draw, the sealed mapping (audited), unblinding after lock."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import AuditEntry, BlindCode, Contest, Entrant
from competition.services import lifecycle
from competition.services.authority import Actor
from tests.factories import make_admin, make_contest

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


def blind_contest() -> tuple[Contest, Actor]:
    admin = make_admin()
    contest = make_contest(admin, blind=True)
    for i in range(1, 4):
        db.session.add(
            Entrant(event_id=contest.events[0].id, code=f"W0{i}", name=f"选手{i}", attributes={})
        )
    db.session.commit()
    return contest, admin


def test_draw_then_print_the_sealed_mapping_which_is_audited(client: FlaskClient) -> None:
    contest, _ = blind_contest()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/blind"
    page = client.post(f"{base}/events/{contest.events[0].id}/draw", follow_redirects=True)
    assert page.status_code == 200 and db.session.query(BlindCode).count() == 3
    mapping = client.post(f"{base}/events/{contest.events[0].id}/mapping")
    assert mapping.status_code == 200
    assert all(f"选手{i}" in mapping.text for i in range(1, 4)) and "A-1" in mapping.text
    actions = [e.action for e in db.session.query(AuditEntry)]
    assert "blind.view_mapping" in actions


def test_names_open_only_after_lock(client: FlaskClient) -> None:
    contest, admin = blind_contest()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    base = f"/console/contests/{contest.id}/blind"
    refused = client.post(f"{base}/unblind", follow_redirects=True)
    assert "flash-error" in refused.text and contest.unblinded_at is None
    client.post(f"{base}/events/{contest.events[0].id}/draw")
    for step in ("open_registration", "open_scoring", "close_scoring", "lock"):
        lifecycle.advance(admin, contest.id, step, "no marks in this test", override=True)
    client.post(f"{base}/unblind")
    assert db.session.get(Contest, contest.id).unblinded_at is not None
