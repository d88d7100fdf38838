"""A worker's titles with their validity, and an import's near matches, in a real browser:
the organiser's person page on the console desktop, the public record on a phone, and the
matches an import leads to (screenshots in test-artifacts/)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from playwright.sync_api import Browser, expect
from sqlalchemy import select, update

from competition.extensions import db
from competition.models import Entrant, Publication, User
from competition.services import people
from competition.services.authority import Actor
from competition.services.person_ids import public_token
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in, watched_page
from tests.factories import make_contest
from tests.services.test_people import ZHANG
from tests.welding_scenes import publish_round, welding_round

CONSOLE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def admin_actor() -> Actor:
    user = db.session.scalar(select(User).where(User.username == ADMIN))
    assert user is not None
    return Actor.of_user(user)


def w01(event_id: int) -> Entrant:
    entrant = db.session.scalar(
        select(Entrant).where(Entrant.event_id == event_id, Entrant.code == "W01")
    )
    assert entrant is not None
    return entrant


def test_a_workers_titles_show_their_award_day_validity_and_expiry(
    browser: Browser, live_server: LiveServer, request: object
) -> None:
    with live_server.app.app_context():
        admin = admin_actor()
        earlier = welding_round(admin, "2020 市焊工技能竞赛")
        person = people.link_new_person(admin, w01(earlier.event_id).id, "王建国", "延安市热力公司")
        publish_round(admin, earlier)
        db.session.execute(
            update(Publication)
            .where(Publication.contest_id == earlier.contest_id)
            .values(published_at=datetime(2020, 5, 20, 2, 0, tzinfo=UTC))
        )
        db.session.commit()
        now = welding_round(admin, "2026 市焊工技能竞赛")
        people.link_entrant(admin, w01(now.event_id).id, person.id)
        publish_round(admin, now)
        person_id, token = person.id, public_token(person.id)
        db.session.remove()
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page(browser, request, viewport=CONSOLE, locale="zh-CN") as page:  # type: ignore[arg-type]
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/console/people/{person_id}")
        titles = page.locator(".person-record .held-title")
        expect(titles).to_have_count(2)
        expect(page.locator('.held-title[data-expired="true"]')).to_have_count(1)
        expect(
            page.locator('.held-title[data-valid-until="2023-05-20"] .title-expired')
        ).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "person_titles_console.png"), full_page=True)
    with watched_page(browser, request, viewport=PHONE, locale="zh-CN") as page:  # type: ignore[arg-type]
        page.goto(f"{live_server.url}/people/{token}")
        expect(page.locator(".person-name")).to_have_text("王*国")
        expect(page.locator(".person-honours .held-title")).to_have_count(2)
        expect(page.locator(".person-honours .title-expired")).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / "person_titles_phone.png"), full_page=True)


def test_an_import_shows_its_near_matches_and_the_organiser_links_one(
    browser: Browser, live_server: LiveServer, request: object, tmp_path: Path
) -> None:
    with live_server.app.app_context():
        admin = admin_actor()
        people.create_person(admin, "张建军", "延安市热力公司", ZHANG)
        people.create_person(admin, "王芳", "延安市热力公司")
        contest = make_contest(admin, "2026 市焊工技能竞赛")
        base = f"/console/contests/{contest.id}/events/{contest.events[0].id}/entrants/"
        db.session.remove()
    sheet = tmp_path / "报名表.xlsx"
    pd.DataFrame(
        [
            ["W01", "李秀英", "市自来水公司", "是", ""],
            ["W02", "张建军", "延安市热力公司", "是", ""],
            ["W03", "王芳", "延安市热力公司", "否", ""],
        ],
        columns=["编号", "姓名", "工作单位", "职工身份", "身份证号"],
    ).to_excel(sheet, index=False)
    with watched_page(browser, request, viewport=CONSOLE, locale="zh-CN") as page:  # type: ignore[arg-type]
        sign_in(page, live_server)
        page.goto(live_server.url + base)
        page.locator('input[type="file"][name="sheet"]').set_input_files(sheet)
        page.get_by_role("button", name="检查表格").click()
        page.get_by_role("button", name="导入", exact=True).click()
        rows = page.locator("table.person-matches tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first.locator("td").first).to_have_text("3")
        expect(rows.first).to_contain_text("*" * 14 + ZHANG[-4:])
        page.screenshot(path=str(ARTIFACTS / "import_near_matches_console.png"), full_page=True)
        rows.first.locator(".match-actions form").first.locator("button").click()
        expect(rows).to_have_count(1)
        page.goto(live_server.url + base)
        expect(page.locator(".near-matches")).to_be_visible()
        expect(page.locator("table.entrants .linked-person")).to_have_text("张建军")
        page.screenshot(path=str(ARTIFACTS / "entrants_linked_person_console.png"), full_page=True)
