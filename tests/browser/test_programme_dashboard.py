"""The programme dashboard in a real browser on a big screen: the year-end figures, the
charts drawn on the server and the contests with their budgets."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

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
