"""Two judges' links in one browser (768×1024): the second link asks before it replaces the
judge on the tablet, warns of the first judge's marks still waiting, and those marks are
never sent in the second judge's name; the first judge's link sends them later as theirs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark, User
from competition.services import assignments, judges
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer
from tests.browser.test_judge_tablet import CRITERIA, Seat, SocketGate, enter, seat_a_judge

SECOND = "李梅"


@pytest.fixture
def tablet(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def second_judge(server: LiveServer, seat: Seat) -> tuple[int, str]:
    """Another judge seated for the same cells as the first."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest_id = judges.get_judge(seat.judge_id).contest_id
        judge, token = judges.create_judge(admin, contest_id, SECOND)
        for criterion in CRITERIA:
            assignments.assign(admin, judge.id, seat.event_id, criterion)
        judge_id = judge.id
        db.session.remove()
    return judge_id, judges.login_url(server.url, token)


def marks_by_judge(server: LiveServer) -> list[tuple[int, str]]:
    with server.app.app_context():
        rows = db.session.execute(select(Mark.judge_id, Mark.value).order_by(Mark.id)).all()
        db.session.remove()
    return [(judge_id, value) for judge_id, value in rows]


def test_a_second_link_asks_first_and_the_first_judges_marks_stay_theirs(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    second_id, second_login = second_judge(live_server, seat)
    gate = SocketGate(tablet)
    first = tablet.new_page()
    first.goto(seat.login)
    first.goto(f"{live_server.url}/judge/?lang=en")
    expect(first.locator("#conn")).to_have_attribute("data-state", "connected")

    # the first judge's mark waits on the tablet: no network, then no way to the server
    tablet.set_offline(True)
    first.locator("button.cell").first.click()
    enter(first, "8.5")
    expect(first.locator("#queue")).to_have_attribute("data-count", "1")
    gate.open = False
    tablet.set_offline(False)

    # the second judge's link, in the same browser: a question, not a silent switch
    other = tablet.new_page()
    other.goto(second_login)
    expect(other.locator(".switch-question")).to_have_text(
        f"This tablet is signed in as 王志刚. The link you opened is for {SECOND}:"
        f" switch to {SECOND}?"
    )
    waiting = other.locator("#switch-waiting")
    expect(waiting).to_be_visible()
    expect(waiting).to_contain_text("王志刚 has 1 marks on this tablet that are not sent yet.")
    ARTIFACTS.mkdir(exist_ok=True)
    other.screenshot(path=str(ARTIFACTS / "tablet_switch_judge.png"))

    # going back keeps the first judge
    other.get_by_role("link", name="Back to the sheet of 王志刚").click()
    expect(other.locator("#judge-tablet")).to_have_attribute("data-judge-name", "王志刚")

    # switching: the second judge's sheet, which says whose marks still wait here
    other.goto(second_login)
    other.get_by_role("button", name=f"Switch to {SECOND}").click()
    expect(other.locator("#judge-tablet")).to_have_attribute("data-judge-id", str(second_id))
    expect(other.locator("header.site-header")).to_contain_text(f"Judge: {SECOND}")
    expect(other.locator("#notices")).to_contain_text(
        "This tablet also keeps 1 unsent marks of 王志刚"
    )
    expect(other.locator("#queue")).to_have_attribute("data-count", "0")

    # the server comes back: the first judge's old page is refused, its mark kept, not sent
    gate.open = True
    expect(other.locator("#conn")).to_have_attribute("data-state", "connected", timeout=15_000)
    expect(first.locator("#conn")).to_have_attribute("data-state", "other_judge", timeout=15_000)
    expect(first.locator("#queue")).to_have_attribute("data-count", "1")
    assert marks_by_judge(live_server) == []

    # the first judge opens their link again: the mark goes, as theirs
    other.goto(seat.login)
    other.get_by_role("button", name="Switch to 王志刚").click()
    expect(other.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(other.locator("#queue")).to_have_attribute("data-count", "0")
    expect(other.locator("button.cell").first).to_have_attribute("data-state", "done")
    assert marks_by_judge(live_server) == [(seat.judge_id, "8.5")]
