"""A conflicted assignment in a real browser (1920×1080): the organiser seats a pool judge
on every entrant of an event, one of whom the judge declared a conflict with (回避), and the
judges page refuses it, naming the judge, the entrant and the reason; nothing is seated."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Person, User
from competition.services import pool
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in, watched_page
from tests.factories import make_contest


@pytest.fixture
def big_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    with watched_page(
        browser, request, viewport={"width": 1920, "height": 1080}, locale="zh-CN"
    ) as opened:
        yield opened  # type: ignore[misc]


def test_the_organiser_sees_a_conflicted_assignment_refused_with_the_reason(
    big_page: Page, live_server: LiveServer
) -> None:
    page = big_page
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = make_contest(admin)
        event = contest.events[0]
        li = Person(name="李强", unit="市二建")
        db.session.add(li)
        db.session.flush()
        for code, name, unit, person_id in (
            ("W01", "王建国", "市热力公司", None),
            ("W02", "李强", "市二建", li.id),
        ):
            attributes = {"unit": unit, "is_worker": True}
            db.session.add(
                Entrant(
                    event_id=event.id,
                    code=code,
                    name=name,
                    attributes=attributes,
                    person_id=person_id,
                )
            )
        db.session.commit()
        zhao = pool.add_person(admin, "赵志明", "市一建", "焊接")
        pool.declare(admin, zhao.id, "师徒关系", person_name="李强")
        contest_id, event_id = contest.id, event.id
        db.session.remove()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/console/contests/{contest_id}/judges/")
    adding = page.locator("form#from-pool")
    adding.locator("select[name=person]").select_option(label="赵志明 · 市一建 · 焊接")
    adding.get_by_role("button").click()
    expect(page.locator("article.card .judge")).to_contain_text("赵志明")
    page.goto(f"{live_server.url}/console/contests/{contest_id}/judges/")
    form = page.locator("form[action$='/judges/assignments']")
    form.locator("select[name=judge]").select_option(label="赵志明")
    form.locator("select[name=seat]").select_option(value=f"{event_id}:all:")
    form.get_by_role("button").click()
    refusal = page.locator(".flash-error")
    expect(refusal).to_contain_text("赵志明")
    expect(refusal).to_contain_text("W02 李强")
    expect(refusal).to_contain_text("师徒关系")
    expect(page.locator("tbody tr", has_text="赵志明").locator(".tag")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console_conflict_refused.png"), full_page=True)
    page.goto(f"{live_server.url}/console/judges-pool/")
    expect(page.locator("tr", has_text="赵志明")).to_contain_text("师徒关系")
    page.screenshot(path=str(ARTIFACTS / "console_judges_pool.png"), full_page=True)
