"""The simulate view: the standings and awards the rules would give, nothing stored."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from competition.extensions import db
from competition.models import Mark
from tests.factories import REPOSITORY, make_admin, make_contest

PASSWORD = "correct horse battery"


@pytest.fixture
def client(db_app: Flask, rules_dir: Path) -> FlaskClient:
    for name in ("welding_skills.yaml", "welding_skills.sample.csv"):
        shutil.copy(REPOSITORY / "scoring_rules" / name, rules_dir)
    return db_app.test_client()


def test_the_sample_marks_give_the_hand_checked_standings(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    page = client.get(
        f"/console/contests/{contest.id}/events/{contest.events[0].id}/simulate?use=sample"
    )
    assert page.status_code == 200
    assert "95.85" in page.text and "74.53" in page.text  # W01 and W02, checked by hand
    assert "一等奖" in page.text
    assert db.session.query(Mark).count() == 0


def test_an_uploaded_marks_file_with_a_bad_row_is_reported_by_line(client: FlaskClient) -> None:
    admin = make_admin()
    contest = make_contest(admin)
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    marks = b"entrant,item,criterion,judge,value\nW01,,theory,,101\n"
    page = client.post(
        f"/console/contests/{contest.id}/events/{contest.events[0].id}/simulate?lang=en",
        data={"marks": (io.BytesIO(marks), "mine.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "mine.csv:2: value: 101 is outside 0–100 of &#39;theory&#39;" in page.text
