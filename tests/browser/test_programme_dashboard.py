"""The programme dashboard in a real browser on a big screen: the year-end figures, the
charts drawn on the server and the contests with their budgets."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from bench.programme import DISTRICTS, build
from competition.extensions import db
from competition.models import Organisation, User
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in, watched_page
from tests.factories import make_contest
from tests.services.test_programme_dashboard import build_city

MORE = (
    ("洛川县苹果擂台赛", "果业", "洛川县"),
    ("富县电工赛", "电工", "富县"),
    ("黄陵县焊工赛", "焊工", "黄陵县"),
)


def programme_with_contests(server: LiveServer) -> int:
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        city = build_city(admin)
        for name, trade, district in MORE:
            county = Organisation(
                name=f"{district}总工会", level="county", parent_id=city.city.id, district=district
            )
            db.session.add(county)
            db.session.flush()
            contest = make_contest(admin, name, rules="welding_skills.yaml")
            contest.programme_id, contest.organisation_id = city.programme.id, county.id
            contest.trade = trade
        db.session.commit()
        programme_id = city.programme.id
        db.session.remove()
    return programme_id


def test_the_union_office_reads_its_programme_on_a_big_screen(
    live_server: LiveServer, browser: Browser, request: object
) -> None:
    programme_id = programme_with_contests(live_server)
    with watched_page(
        browser, request, viewport={"width": 1920, "height": 1080}, locale="zh-CN"
    ) as page:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/console/?lang=en")
        page.get_by_role("link", name="建功十四五").click()
        expect(page).to_have_url(f"{live_server.url}/console/programmes/{programme_id}/dashboard")
        page.goto(f"{live_server.url}/console/programmes/{programme_id}/dashboard?lang=en")
        expect(page.get_by_role("heading", name="建功十四五 · Programme dashboard")).to_be_visible()
        expect(page.locator(".figures")).to_contain_text("¥70,000")
        expect(page.locator("figure.chart svg")).to_have_count(3)
        expect(page.locator(".programme-contests tbody tr")).to_have_count(6)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "programme_dashboard_1920.png"), full_page=True)


def test_the_office_pages_and_filters_a_big_programme_on_the_console_desktop(
    live_server: LiveServer, browser: Browser, request: object
) -> None:
    with live_server.app.app_context():
        programme_id = build(120, entrants=10, marks=0)
        db.session.remove()
    with watched_page(
        browser, request, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ) as page:
        sign_in(page, live_server)
        page.goto(f"{live_server.url}/console/programmes/{programme_id}/dashboard?lang=en")
        rows = page.locator(".programme-contests tbody tr")
        expect(rows).to_have_count(50)
        expect(page.locator(".pager")).to_contain_text("Page 1 of 3")
        page.get_by_role("link", name="Next page ›").click()
        expect(page.locator(".pager")).to_contain_text("Page 2 of 3")
        expect(page.locator(".listing-count")).to_contain_text("Contests 51–100 of 120")
        page.locator("select[name=status]").select_option("published")
        page.locator("select[name=district]").select_option(DISTRICTS[0])
        page.get_by_role("button", name="Filter").click()
        expect(page.locator(".listing-count")).to_have_attribute("data-page", "1")
        assert 0 < rows.count() < 50
        expect(page.locator(".figures")).to_contain_text("120")  # the programme's, not the page's
        page.get_by_role("link", name="Clear the filters").click()
        page.locator("select[name=level]").select_option("enterprise")
        page.get_by_role("button", name="Filter").click()
        page.get_by_role("link", name="Next page ›").click()
        expect(page.locator(".listing-count")).to_contain_text("of 106")
        expect(page.locator("select[name=level]")).to_have_value("enterprise")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "programme_dashboard_paged_1280.png"), full_page=True)
        page.locator("#contests").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "programme_dashboard_paged_1280_view.png"))
