"""A rule file with item groups on the tablet (768×1024): a figure-skating judge seated for
the execution marks (GOE) sees only the elements E1…E13, named by the file's word for them,
and a mark entered there is stored; a judge seated for the programme components sees only
the PC- items.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, Mark, User
from competition.services import assignments, judges, lifecycle
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer
from tests.factories import make_contest

ELEMENTS = [f"技术动作 E{n}" for n in range(1, 14)]
# the criterion is called what the group is called: the item's id alone under it
COMPONENTS = [
    f"PC-{name}"
    for name in (
        "skating_skills",
        "transitions",
        "performance",
        "composition",
        "interpretation_of_the_music",
    )
]


@pytest.fixture
def tablet(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def skating_judges(server: LiveServer) -> dict[str, tuple[int, str]]:
    """A segment in scoring, two skaters, a judge for GOE and one for the components."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = make_contest(admin, "花样滑冰", rules="examples/figure_skating_segment.yaml")
        event_id = contest.events[0].id
        db.session.add_all(
            Entrant(event_id=event_id, code=code, name=name, attributes={})
            for code, name in (("S1", "陈露"), ("S2", "王怡"))
        )
        db.session.commit()
        seated = {}
        for criterion, name in (("goe", "技术裁判"), ("component", "内容裁判")):
            judge, token = judges.create_judge(admin, contest.id, name)
            assignments.assign(admin, judge.id, event_id, criterion)
            seated[criterion] = (judge.id, judges.login_url(server.url, token))
        lifecycle.advance(admin, contest.id, "open_registration")
        lifecycle.advance(admin, contest.id, "open_scoring")
        db.session.remove()
    return seated


def open_sheet(context: BrowserContext, server: LiveServer, login: str) -> Page:
    page = context.new_page()
    page.goto(login)
    page.goto(f"{server.url}/judge/?lang=en")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    return page


def test_each_judge_sees_only_the_items_of_their_criterions_group(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seated = skating_judges(live_server)
    goe_judge, goe_login = seated["goe"]
    page = open_sheet(tablet, live_server, goe_login)
    headings = page.locator("section.sheet thead .crit-item")
    expect(headings).to_have_text(ELEMENTS)
    expect(page.locator("section.sheet thead")).not_to_contain_text("PC-")

    # a GOE for E1: the keypad (−10…10 by 0.01), the item named as the file names it
    page.locator("section.sheet button.cell").first.click()
    expect(page.locator("#entry .entry-criterion")).to_have_text("执行分 · 技术动作 E1")
    for key in ("1", ".", "5"):
        page.locator(f'#entry [data-key="{key}"]').click()
    page.locator('#entry [data-action="save"]').click()
    expect(page.locator("section.sheet button.cell").first).to_have_attribute("data-state", "done")
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")
    page.locator("#entry").press("Escape")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tablet_item_groups_goe.png"))
    with live_server.app.app_context():
        stored = db.session.execute(select(Mark.judge_id, Mark.item, Mark.value)).all()
        db.session.remove()
    assert [tuple(row) for row in stored] == [(goe_judge, "E1", "1.5")]

    # the component judge on the same tablet (after the question a second link asks)
    _, component_login = seated["component"]
    other = tablet.new_page()
    other.goto(component_login)
    other.get_by_role("button", name="Switch to 内容裁判").click()
    expect(other.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(other.locator("section.sheet thead .crit-item")).to_have_text(COMPONENTS)
    expect(other.locator("section.sheet thead")).not_to_contain_text("E1")
    other.screenshot(path=str(ARTIFACTS / "tablet_item_groups_component.png"))
