"""The audit log and the rules page on the demo contests, at the office screen's and the
tablet's sizes: plain words, page links, the summary beside the YAML, nothing wider than the
screen. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.services.demo import ORCHARD_CONTEST, load_demo
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in, watched_page

SIZES = [(1920, 1080), (768, 1024)]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_audit_log_and_rules_read_plainly_on_the_demo(
    live_server: LiveServer,
    browser: Browser,
    request: pytest.FixtureRequest,
    width: int,
    height: int,
) -> None:
    with live_server.app.app_context():
        demo = load_demo(REPOSITORY_ROOT / "scoring_rules", live_server.url)
        db.session.remove()
    contest_id = int(dict(demo.live_boards)[ORCHARD_CONTEST].rsplit("/", 1)[1])
    viewport = {"width": width, "height": height}
    with watched_page(browser, request, viewport=viewport, locale="zh-CN") as page:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/console/contests/{contest_id}/audit")
        rows = page.locator("table.audit tbody tr")
        expect(rows).to_have_count(50)
        expect(page.locator(".pager [aria-current=page]")).to_have_text("1")
        who = page.locator(".audit-who").all_inner_texts()
        assert who and not any(text.startswith(("user:", "judge:")) for text in who)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"audit_log_{width}x{height}.png"))

        page.locator("select[name=action]").select_option("mark.correct")
        page.locator(".audit-filters button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/audit\?.*action=mark\.correct"))
        expect(page.locator(".audit-count")).to_be_visible()

        page.goto(f"{live_server.url}/console/contests/{contest_id}/rules")
        summary = page.locator(".rule-summary")
        expect(summary.locator("table.rule-criteria tbody tr").first).to_be_visible()
        expect(summary).to_contain_text("一等奖")
        expect(page.locator("pre.rule-text")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"rules_{width}x{height}.png"), full_page=True)
