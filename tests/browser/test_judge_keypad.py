"""A criterion with a wide scale (a welding appearance mark, 0–30 by 0.5: 61 values) is
entered on the tablet's keypad and stepper, or on a hardware keyboard: a value off the scale
or off its step is explained in Chinese and stored nowhere; the right ones are stored once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark, User
from competition.services import assignments, contests, entrants, judges, lifecycle
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, LiveServer
from tests.factories import rule_source

WORKERS = [("W01", "张伟"), ("W02", "李强")]


@dataclass
class Seat:
    judge_id: int
    login: str


def seat_a_welding_judge(server: LiveServer) -> Seat:
    """A welding contest in scoring (names shown), two workers, one appearance judge."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = contests.create_contest(
            admin, "2026 焊工技能竞赛", [("焊工", rule_source("welding_skills.yaml"))]
        )
        event_id = contest.events[0].id
        lifecycle.advance(admin, contest.id, "open_registration")
        for code, name in WORKERS:
            entrants.add_entrant(
                admin, event_id, code, name, {"unit": "市焊接厂", "is_worker": "是"}
            )
        judge, token = judges.create_judge(admin, contest.id, "赵立新")
        assignments.assign(admin, judge.id, event_id, "appearance")
        lifecycle.advance(admin, contest.id, "open_scoring")
        seat = Seat(judge.id, judges.login_url(server.url, token))
        db.session.remove()
    return seat


def stored(server: LiveServer, judge_id: int) -> list[tuple[str, str]]:
    with server.app.app_context():
        rows = db.session.execute(
            select(Mark.criterion, Mark.value).where(Mark.judge_id == judge_id).order_by(Mark.id)
        ).all()
        db.session.remove()
    return [(criterion, value) for criterion, value in rows]


@pytest.fixture
def tablet_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


def tap(page: Page, *keys: str) -> None:
    for key in keys:
        page.locator(f'#entry [data-key="{key}"]').click()


def test_a_wide_scale_is_entered_on_the_keypad_the_stepper_or_a_keyboard(
    tablet_page: Page, live_server: LiveServer
) -> None:
    page = tablet_page
    seat = seat_a_welding_judge(live_server)
    page.goto(seat.login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    cells = page.locator("section.sheet button.cell")
    expect(cells).to_have_count(2)
    entry = page.locator("#entry")
    value = entry.locator(".entry-value")
    error = entry.locator(".entry-error")
    save = entry.locator('[data-action="save"]')

    # 61 values are too many for buttons: the keypad and the stepper
    cells.first.click()
    expect(entry.locator(".entry-keypad")).to_be_visible()
    expect(entry.locator(".entry-choices")).to_be_hidden()

    # off the scale, then off its step: explained, nothing stored
    tap(page, "3", "1")
    expect(value).to_have_text("31")
    save.click()
    expect(error).to_have_text("31 超出评分范围 0–30")
    tap(page, "back", "back", "7", ".", "3")
    expect(value).to_have_text("7.3")
    expect(error).to_have_text("")
    save.click()
    expect(error).to_have_text("7.3 不是有效分值：分值间隔为 0.5")
    assert stored(live_server, seat.judge_id) == []

    # the stepper moves by steps and never leaves the scale
    entry.locator('[data-step="1"]').click()  # 7.3 + 0.5, onto the nearest step
    expect(value).to_have_text("8")
    for _ in range(5):
        entry.locator('[data-step="10"]').click()
    expect(value).to_have_text("30")  # 8 + 5 × 5, held at the top of the scale
    entry.locator('[data-step="-1"]').click()
    expect(value).to_have_text("29.5")
    save.click()
    expect(cells.nth(0)).to_have_attribute("data-state", "done")
    expect(cells.nth(0)).to_have_attribute("data-value", "29.5")

    # the panel moved on to the second worker; back to the first with Previous (which is
    # then disabled under the finger), and a hardware keyboard still types into the dialog
    expect(entry).to_have_attribute("data-cell", cells.nth(1).get_attribute("data-cell") or "")
    entry.locator('[data-action="previous"]').click()
    expect(entry.locator('[data-action="previous"]')).to_be_disabled()
    for _ in range(4):
        page.keyboard.press("Backspace")
    expect(value).to_have_text("—")
    page.keyboard.type("26.5")
    expect(value).to_have_text("26.5")
    page.keyboard.press("Enter")
    expect(cells.nth(0)).to_have_attribute("data-value", "26.5")

    # and the second worker by keyboard alone
    expect(entry).to_have_attribute("data-cell", cells.nth(1).get_attribute("data-cell") or "")
    page.keyboard.type("18")
    page.keyboard.press("Enter")
    expect(entry).to_be_hidden()  # no cell left
    expect(cells.nth(1)).to_have_attribute("data-value", "18")
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")
    assert stored(live_server, seat.judge_id) == [
        ("appearance", "29.5"),
        ("appearance", "26.5"),
        ("appearance", "18"),
    ]
