"""What the tablet does with a mark the server refuses, and with the chief judge's word.

A refused mark is shown as refused, in Chinese, next to its cell and at the top of the page,
and leaves the waiting queue: nothing was stored and resending would be refused again. A mark
that got no answer (no network), or one refused because the judge's session ended, stays
queued. A correction or a request to look again reaches an open tablet without a reload.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark, User
from competition.services import judges, lifecycle, scoring
from competition.services import monitor as monitoring
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, LiveServer
from tests.browser.test_judge_tablet import VALUES, Seat, enter, seat_a_judge, stored_marks

ROUND_CLOSED = "此轮次的评分已关闭"
REASON = "复核发现录入错误"


@pytest.fixture
def tablet(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def as_admin() -> Actor:
    user = db.session.scalar(select(User).where(User.username == ADMIN))
    assert user is not None
    return Actor.of_user(user)


def open_tablet(context: BrowserContext, seat: Seat) -> Page:
    page = context.new_page()
    page.goto(seat.login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    return page


def queued(page: Page) -> list[dict[str, object]]:
    key = f"competition.judge.{page.locator('#judge-tablet').get_attribute('data-judge-id')}.queue"
    return list(json.loads(page.evaluate(f"localStorage.getItem('{key}') || '[]'")))


def cell(seat: Seat, entrant: str, criterion: str) -> str:
    return f'button.cell[data-cell="{seat.event_id}|{entrant}||{criterion}"]'


def test_a_mark_refused_after_the_round_closed_is_shown_and_dropped(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    page = open_tablet(tablet, seat)
    cells = page.locator("button.cell")
    queue = page.locator("#queue")

    # entered with no network: kept, not refused
    tablet.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    cells.first.click()
    enter(page, VALUES[0])
    page.locator("#entry").press("Escape")
    expect(queue).to_have_attribute("data-count", "1")
    expect(cells.first).to_have_attribute("data-state", "pending")

    # meanwhile the organiser closes scoring of the event
    with live_server.app.app_context():
        lifecycle.set_round(as_admin(), seat.event_id, "", "closed")
        db.session.remove()

    tablet.set_offline(False)
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    box = page.locator(".cell-box").first
    expect(box.locator(".cell-error")).to_have_text(ROUND_CLOSED)
    expect(page.locator("#notices .notice-refused")).to_contain_text(ROUND_CLOSED)
    expect(page.locator("#notices .notice-refused")).to_contain_text(VALUES[0])
    expect(queue).to_have_attribute("data-count", "0")
    assert queued(page) == []
    # the tablet fetched the sheet again: every cell is closed now
    expect(cells.first).to_have_attribute("data-state", "closed")
    expect(cells.first).to_be_disabled()
    assert stored_marks(live_server, seat.judge_id) == []


def test_a_value_outside_the_scale_queued_by_an_older_page_is_refused_in_chinese(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    page = open_tablet(tablet, seat)
    # a tablet that queued a mark against another scale (0–20, say) before the page changed
    key = f"competition.judge.{seat.judge_id}.queue"
    mark = {
        "key": "0f6f8e8e-1e0c-4b59-9a51-2c8f6a3c7d01",
        "event_id": seat.event_id,
        "entrant": "YA001",
        "item": "",
        "criterion": "canopy_pruning",
        "value": "10.5",
    }
    page.evaluate("([key, mark]) => localStorage.setItem(key, JSON.stringify([mark]))", [key, mark])
    page.reload()

    target = page.locator(cell(seat, "YA001", "canopy_pruning"))
    error = page.locator(".cell-box", has=target).locator(".cell-error")
    expect(error).to_contain_text("10.5 超出")
    expect(error).to_contain_text("0–10")
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")
    expect(target).to_have_attribute("data-state", "empty")
    assert queued(page) == []
    assert stored_marks(live_server, seat.judge_id) == []

    # the judge enters the right value in the same cell: stored, the message gone
    target.click()
    enter(page, "10")
    expect(target).to_have_attribute("data-state", "done")
    expect(error).to_have_count(0)
    assert [value for _, _, value, _ in stored_marks(live_server, seat.judge_id)] == ["10"]


def test_a_tablet_whose_link_was_reissued_keeps_its_mark_and_stops_sending(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    page = open_tablet(tablet, seat)
    page.evaluate(
        """() => {
            const socket = judgeTablet.socket();
            const emit = socket.emit.bind(socket);
            window.marksSent = 0;
            socket.emit = (event, ...rest) => {
                if (event === "mark") window.marksSent += 1;
                return emit(event, ...rest);
            };
        }"""
    )
    with live_server.app.app_context():
        judges.reissue_token(as_admin(), seat.judge_id)
        db.session.remove()

    page.locator("button.cell").first.click()
    enter(page, VALUES[0])
    expect(page.locator("#conn")).to_have_attribute("data-state", "signed_out")
    expect(page.locator("#queue")).to_have_attribute("data-count", "1")
    # refused as signed out: kept for the new link, and not sent again and again
    assert page.evaluate("window.marksSent") == 1
    assert len(queued(page)) == 1
    assert stored_marks(live_server, seat.judge_id) == []


def test_the_chief_judges_correction_reaches_the_open_tablet(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    page = open_tablet(tablet, seat)
    cells = page.locator("button.cell")
    cells.first.click()
    for value in VALUES:
        enter(page, value)
    sheet = page.locator("section.sheet")
    expect(sheet).to_have_attribute("data-status", "done")
    sheet.locator("button.sign").click()
    page.locator('#confirm-sign button[value="sign"]').click()
    expect(sheet).to_have_attribute("data-status", "signed")
    page.evaluate("window.notReloaded = true")

    entrant, _, criterion = (cells.first.get_attribute("data-cell") or "").split("|")[1:]
    with live_server.app.app_context():
        admin = as_admin()
        monitoring.correct_cell(
            admin, seat.event_id, seat.judge_id, entrant, "", criterion, "9", REASON
        )
        monitoring.request_recheck(
            admin, seat.event_id, seat.judge_id, entrant, "", "pest_control_green", "请再看一下"
        )
        db.session.remove()

    corrected = cells.first
    expect(corrected).to_have_attribute("data-value", "9")
    expect(corrected).to_have_class(re.compile(r"\bcorrected\b"))
    note = page.locator(".cell-box").first.locator(".cell-note")
    expect(note).to_contain_text(REASON)
    expect(page.locator("#notices")).to_contain_text(REASON)
    expect(page.locator("#notices")).to_contain_text("请再看一下")
    expect(sheet).to_have_attribute("data-status", "signed")
    assert page.evaluate("window.notReloaded") is True

    with live_server.app.app_context():
        in_force = scoring.judge_marks(seat.judge_id, seat.event_id)
        latest = db.session.scalars(select(Mark).order_by(Mark.id.desc())).first()
        db.session.remove()
    assert latest is not None and latest.reason == REASON and latest.supersedes_id is not None
    assert sorted(m.value for m in in_force) == sorted(["9", *VALUES[1:]])

    # the reason stays on the tablet after a reload
    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(page.locator(".cell-box").first.locator(".cell-note")).to_contain_text(REASON)
