"""Next year's contest from last year's, as the organiser clicks it on the console's desktop
(1280×900): "use as template" on the past contest's dashboard, the chooser with its preview,
a new name, and the new draft's dashboard with the judges' panel. Screenshots are kept in
test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from competition.extensions import db
from competition.services import assignments, contests, pool, programmes
from competition.services.authority import SYSTEM
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in, watched_page
from tests.factories import make_union, rule_source


def test_the_organiser_starts_next_years_contest_from_last_years(
    live_server: LiveServer, browser: Browser, request: pytest.FixtureRequest
) -> None:
    with live_server.app.app_context():
        ids = make_union(SYSTEM)
        programme = programmes.create_programme(
            SYSTEM, "“十百千万”劳动和技能竞赛", 2025, ids["city"]
        )
        past = contests.create_contest(
            SYSTEM,
            "2025 宝塔区焊工技能竞赛",
            [("焊工", rule_source())],
            blind=True,
            programme_id=programme.id,
            organisation_id=ids["baota"],
            trade="焊工",
        )
        for name, unit in (("赵建华", "延安市第一建筑公司"), ("钱立新", "宝塔石化")):
            person = pool.add_person(SYSTEM, name, unit, "焊接")
            judge, _token = pool.add_to_contest(SYSTEM, past.id, person.id)
            assignments.assign_panel(SYSTEM, judge.id, past.events[0].id, "appearance")
        older = contests.create_contest(
            SYSTEM,
            "2024 宝塔区焊工技能竞赛",
            [("焊工", rule_source())],
            organisation_id=ids["baota"],
        )
        past_id, older_id = past.id, older.id
        db.session.remove()
    viewport = {"width": 1280, "height": 900}
    with watched_page(browser, request, viewport=viewport, locale="zh-CN") as page:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/console/contests/{older_id}")
        page.locator("#use-as-template").click()
        expect(page).to_have_url(re.compile(rf"/from-template\?source={older_id}"))
        preview = page.locator(".template-preview")
        expect(preview).to_contain_text("2024 宝塔区焊工技能竞赛")
        page.locator("select[name=source]").select_option(f"contest:{past_id}")
        expect(page).to_have_url(re.compile(rf"/from-template\?source={past_id}"))
        expect(page.locator("select[name=source]")).to_have_value(f"contest:{past_id}")
        expect(preview).to_contain_text("2025 宝塔区焊工技能竞赛")
        expect(page.locator(".template-panel")).to_contain_text("2")
        expect(preview).to_contain_text("一等奖")
        expect(preview).to_contain_text("3,000")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "contest_template_1280x900.png"), full_page=True)

        page.locator("input[name=name]").fill("2026 宝塔区焊工技能竞赛")
        page.locator("#template-form button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("2026 宝塔区焊工技能竞赛")
        expect(page.locator(".contest-placement")).to_contain_text("宝塔区总工会")
        page.screenshot(path=str(ARTIFACTS / "contest_from_template_1280x900.png"), full_page=True)
        page.get_by_role("link", name="裁判", exact=True).click()
        expect(page.locator("table").first).to_contain_text("赵建华")
        expect(page.locator("table").first).to_contain_text("钱立新")
