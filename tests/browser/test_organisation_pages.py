"""The admin's organisations tree and the programmes page, at the office screen's and the
tablet's sizes: the tree reads top down with its levels, a new organisation is added from
the form, nothing wider than the screen. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from competition.extensions import db
from competition.services import contests, organisations, programmes
from competition.services.authority import SYSTEM
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in, watched_page
from tests.factories import make_union, rule_source

SIZES = [(1920, 1080), (768, 1024)]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_admin_reads_the_union_and_its_programmes(
    live_server: LiveServer,
    browser: Browser,
    request: pytest.FixtureRequest,
    width: int,
    height: int,
) -> None:
    with live_server.app.app_context():
        ids = make_union(SYSTEM)
        organisations.create_organisation(
            SYSTEM, "延长石油延安炼油厂工会", "enterprise", parent_id=ids["city"]
        )
        programme = programmes.create_programme(
            SYSTEM,
            "“十百千万”劳动和技能竞赛",
            2026,
            ids["city"],
            series="建功十四五",
            budget="5000000",
        )
        programmes.create_programme(SYSTEM, "宝塔区劳动竞赛", 2026, ids["baota"], budget="80000")
        contests.create_contest(
            SYSTEM,
            "石化焊工初赛",
            [("焊工", rule_source())],
            programme_id=programme.id,
            organisation_id=ids["works"],
            trade="焊工",
        )
        db.session.remove()
    viewport = {"width": width, "height": height}
    with watched_page(browser, request, viewport=viewport, locale="zh-CN") as page:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/console/organisations")
        rows = page.locator("table.org-tree tbody tr")
        expect(rows).to_have_count(5)
        expect(rows.first).to_contain_text("延安市总工会")
        page.locator("input[name=name]").fill("安塞苹果合作社工会")
        page.locator("select[name=level]").select_option("enterprise")
        page.locator("select[name=parent]").select_option(str(ids["ansai"]))
        page.locator("input[name=district]").fill("安塞区")
        page.locator("form.form button[type=submit]").click()
        expect(rows).to_have_count(6)
        names = rows.locator("td:first-child").all_inner_texts()
        assert names.index("└ 安塞苹果合作社工会") == names.index("└ 安塞区总工会") + 1
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"organisations_{width}x{height}.png"), full_page=True)

        page.goto(f"{live_server.url}/console/programmes")
        expect(page.locator("table tbody tr")).to_have_count(2)
        expect(page.locator("table")).to_contain_text("5,000,000.00")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"programmes_{width}x{height}.png"), full_page=True)

        page.goto(f"{live_server.url}/console/")
        page.get_by_role("link", name="石化焊工初赛").click()
        expect(page.locator(".contest-placement")).to_contain_text("宝塔石化工会")
        page.screenshot(
            path=str(ARTIFACTS / f"contest_placement_{width}x{height}.png"), full_page=True
        )
