"""Results pages: the organiser's board setting, appeals and exports; the public award list
and the certificate verification page (both databases)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from competition.extensions import db
from competition.models import Appeal, Certificate, Contest, Mark
from competition.services import appeals, certificates, standings
from tests.factories import make_admin
from tests.scenes import Orchards, inspect, orchard_contest, publish


@pytest.fixture
def orchards(db_app: Flask) -> Orchards:
    return orchard_contest(make_admin())


@pytest.fixture
def organiser(db_app: Flask, orchards: Orchards) -> FlaskClient:
    browser = db_app.test_client()
    answer = browser.post("/login", data={"username": "admin", "password": "correct horse battery"})
    assert answer.status_code == 302
    return browser


def contest_of(scene: Orchards) -> Contest:
    contest = db.session.get(Contest, scene.contest_id)
    assert contest is not None
    return contest


def test_the_results_page_sets_the_public_board(organiser: FlaskClient, orchards: Orchards) -> None:
    base = f"/console/contests/{orchards.contest_id}/results/"
    page = organiser.get(base)
    assert page.status_code == 200 and 'id="board-form"' in page.text
    assert organiser.post(base + "board", data={"mode": "hidden"}).status_code == 302
    assert contest_of(orchards).board_mode == "hidden"
    frozen = organiser.post(base + "board", data={"mode": "frozen"}, follow_redirects=True)
    assert "公开排名榜已设为：封榜：保持当前排名直至发布。" in frozen.text
    assert organiser.post(base + "board", data={"mode": "hidden"}).status_code == 302
    assert organiser.post(base + "board", data={"mode": "nonsense"}).status_code == 302
    assert contest_of(orchards).board_mode == "hidden"
    assert "<svg" in page.text  # the score distribution chart


def test_the_judges_consistency_chart_names_the_judges(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    for code in orchards.codes:
        inspect(orchards, code, "8")
    page = organiser.get(f"/console/contests/{orchards.contest_id}/results/").text
    assert "专家1" in page and "专家3" in page
    public = organiser.get(f"/live/{orchards.contest_id}").text
    assert "专家1" not in public  # judges are not named to the public


def test_the_results_page_needs_an_account(db_app: Flask, orchards: Orchards) -> None:
    anonymous = db_app.test_client()
    answer = anonymous.get(f"/console/contests/{orchards.contest_id}/results/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    export = f"/console/contests/{orchards.contest_id}/results/events/{orchards.event_id}/"
    assert anonymous.get(export + "scoresheet.csv").status_code == 302


def test_the_score_sheet_export_is_every_judges_mark(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    inspect(orchards, "YA001", "8")
    base = f"/console/contests/{orchards.contest_id}/results/events/{orchards.event_id}/"
    answer = organiser.get(base + "scoresheet.xlsx?lang=en")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    sheet = pd.read_excel(io.BytesIO(answer.data), dtype=str)
    judged = sheet[sheet["Entrant"] == "YA001"]
    assert len(judged) == 3 * 4  # three judges, four inspection criteria
    assert set(judged["Judge"]) == {"专家1", "专家2", "专家3"}  # named for the auditor
    stored = db.session.scalar(select(Mark.value).where(Mark.criterion == "canopy_pruning"))
    assert set(judged["Mark"]) >= {stored}
    csv = organiser.get(base + "standings.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(csv.data), dtype=str, encoding="utf-8-sig")
    assert len(frame) == len(orchards.codes)
    assert organiser.get(base + "nothing.csv").status_code == 404
    assert organiser.get(base + "standings.pdf").status_code == 404


def test_the_award_list_is_public_only_once_published(db_app: Flask, orchards: Orchards) -> None:
    anonymous = db_app.test_client()
    assert anonymous.get(f"/results/{orchards.contest_id}/awards").status_code == 404
    publish(orchards)
    page = anonymous.get(f"/results/{orchards.contest_id}/awards")
    assert page.status_code == 200
    result = standings.event_standings(contest_of(orchards).events[0])
    for row in result.rows:
        if row.award:
            assert row.entrant.name in page.text and row.award in page.text
    assert f"{int(result.prize_total):,} 元" in page.text  # 70,000 元
    assert "1389110" not in page.text  # never a phone number
    assert contest_of(orchards).events[0].rules.sha256 in page.text


def test_an_appeal_upheld_through_the_console_revises_the_results(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    publish(orchards)
    base = f"/console/contests/{orchards.contest_id}/results/"
    recorded = organiser.post(
        base + "appeals",
        data={
            "event": orchards.event_id,
            "entrant": "YA001",
            "appellant": "果园YA001",
            "grounds": "成本重复计入",
        },
    )
    assert recorded.status_code == 302
    appeal = db.session.scalars(select(Appeal)).one()
    page = organiser.get(base)
    assert "成本重复计入" in page.text
    cost = next(m for m in appeals.marks_of(appeal) if m.criterion == "cost_yuan")
    decided = organiser.post(
        base + f"appeals/{appeal.id}/decision",
        data={
            f"a{appeal.id}-outcome": "upheld",
            f"a{appeal.id}-decision": "经核实成本为 10000 元",
            f"a{appeal.id}-mark": cost.id,
            f"a{appeal.id}-value": "10000",
        },
    )
    assert decided.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).status == "upheld"  # type: ignore[union-attr]
    history = organiser.get(base).text
    assert "经核实成本为 10000 元" in history
    public = organiser.get(f"/results/{orchards.contest_id}/awards?lang=en").text
    assert "revision 2" in public


def test_the_verification_page_tells_genuine_withdrawn_and_unknown_certificates(
    db_app: Flask, orchards: Orchards
) -> None:
    publish(orchards)
    anonymous = db_app.test_client()
    certificate = db.session.scalars(select(Certificate)).first()
    assert certificate is not None
    genuine = anonymous.get(f"/verify/{certificate.code}?lang=en")
    assert genuine.status_code == 200 and "genuine" in genuine.text
    assert certificate.entrant.name in genuine.text
    unknown = anonymous.get("/verify/0123456789abcdef?lang=en")
    assert unknown.status_code == 404 and "No certificate" in unknown.text
    forged = anonymous.get("/verify/%3Cscript%3E")
    assert forged.status_code == 404 and "<script>" not in forged.text


def test_the_certificates_page_prints_one_page_per_awardee_with_its_qr_code(
    organiser: FlaskClient, orchards: Orchards
) -> None:
    publish(orchards)
    page = organiser.get(f"/console/contests/{orchards.contest_id}/results/certificates")
    assert page.status_code == 200
    issued = certificates.certificates_of(orchards.contest_id)
    assert page.text.count('class="certificate"') == len(issued) > 0
    for certificate in issued:
        assert f"/verify/{certificate.code}" in page.text
    assert page.text.count("<svg") >= len(issued)
