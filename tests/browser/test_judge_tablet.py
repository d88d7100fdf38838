"""A judge on a tablet (768×1024) scores through a dropped connection and a reload: every
mark is stored exactly once, the waiting count returns to zero, then the judge signs.

Chromium's offline emulation (`context.set_offline`) makes the page fire `offline` and cuts
its network, the websocket to loopback included; a page cannot be reloaded while offline
(the reload itself fails). So the reload with marks still queued happens online, with the
Socket.IO traffic blocked by Playwright routes (websocket closed, polling aborted) until the
test lets it through: the reloaded page shows the queued marks from localStorage as pending
and sends them when the server can be reached again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, WebSocketRoute, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark, SheetSignoff, User
from competition.services import assignments, blind, contests, entrants, judges, lifecycle
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, LiveServer
from tests.factories import rule_source

RULE_FILE = "apple_orchard_per_mu_benefit.yaml"
ORCHARDS = [("YA001", "宝塔刘宝平果园", "宝塔区"), ("YA002", "安塞孙军果园", "安塞区")]
CRITERIA = ["canopy_pruning", "pest_control_green"]  # 0–10 and 0–5, both in steps of 0.5
# the judge goes entrant by entrant, criterion by criterion: four cells, four values
VALUES = ["8.5", "4", "7", "3.5"]
SOCKET_IO = re.compile(r".*/socket\.io/.*")


@dataclass
class Seat:
    event_id: int
    judge_id: int
    login: str


def seat_a_judge(server: LiveServer) -> Seat:
    """A blind orchard contest in scoring, two orchards, one judge marking two criteria."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = contests.create_contest(
            admin, "2026 苹果冠军园竞赛", [("亩均效益", rule_source(RULE_FILE))], blind=True
        )
        event_id = contest.events[0].id
        lifecycle.advance(admin, contest.id, "open_registration")
        for code, name, county in ORCHARDS:
            entrants.add_entrant(admin, event_id, code, name, {"county": county})
        blind.draw(admin, event_id, seed="tablet")
        judge, token = judges.create_judge(admin, contest.id, "王志刚")
        for criterion in CRITERIA:
            assignments.assign(admin, judge.id, event_id, criterion)
        lifecycle.advance(admin, contest.id, "open_scoring")
        seat = Seat(event_id, judge.id, judges.login_url(server.url, token))
        db.session.remove()
    return seat


def stored_marks(server: LiveServer, judge_id: int) -> list[tuple[str, str, str, str | None]]:
    with server.app.app_context():
        rows = db.session.execute(
            select(Mark.entrant_id, Mark.criterion, Mark.value, Mark.idempotency_key)
            .where(Mark.judge_id == judge_id)
            .order_by(Mark.id)
        ).all()
        db.session.remove()
    return [(str(e), c, v, k) for e, c, v, k in rows]


@pytest.fixture
def tablet(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


class SocketGate:
    """Lets Socket.IO traffic through, or not (websocket closed, polling aborted)."""

    def __init__(self, context: BrowserContext) -> None:
        self.open = True
        context.route_web_socket(SOCKET_IO, self._websocket)
        context.route(SOCKET_IO, self._polling)

    def _websocket(self, ws: WebSocketRoute) -> None:
        if self.open:
            ws.connect_to_server()
        else:
            ws.close()

    def _polling(self, route: Route) -> None:
        if self.open:
            route.continue_()
        else:
            route.abort()


def enter(page: Page, value: str) -> None:
    """Tap a value in the open entry panel (the panel moves on to the next empty cell)."""
    page.locator(f'#entry .choice[data-value="{value}"]').click()


def waiting(page: Page) -> str:
    return page.locator("#queue").get_attribute("data-count") or ""


def test_marks_survive_a_dropped_connection_and_a_reload(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    gate = SocketGate(tablet)
    page = tablet.new_page()
    page.goto(seat.login)
    expect(page).to_have_url(f"{live_server.url}/judge/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    conn = page.locator("#conn")
    queue = page.locator("#queue")
    expect(conn).to_have_attribute("data-state", "connected")
    assert page.evaluate("judgeTablet.socket().io.engine.transport.name") == "websocket"

    # blind: codes, never names; two criteria × two orchards
    sheet = page.locator("section.sheet")
    expect(sheet.locator("th.entrant")).to_have_text(["A-1", "A-2"])
    expect(sheet).not_to_contain_text("刘宝平")
    cells = sheet.locator("button.cell")
    expect(cells).to_have_count(4)
    expect(sheet).to_have_attribute("data-status", "pending")
    expect(sheet.locator("button.sign")).to_be_disabled()

    # --- online: the first mark is sent at once ------------------------------------------
    cells.first.click()
    expect(page.locator("#entry")).to_be_visible()
    expect(page.locator("#entry .choice")).to_have_count(21)  # 0–10 by 0.5: big buttons
    enter(page, VALUES[0])
    expect(cells.nth(0)).to_have_attribute("data-state", "done")
    expect(queue).to_have_attribute("data-count", "0")

    # --- offline: marks wait on the tablet ---------------------------------------------------
    tablet.set_offline(True)
    expect(conn).to_have_attribute("data-state", "offline")
    expect(page.locator("#entry .choice")).to_have_count(11)  # 0–5 by 0.5
    enter(page, VALUES[1])
    enter(page, VALUES[2])
    expect(queue).to_have_attribute("data-count", "2")
    expect(cells.nth(1)).to_have_attribute("data-state", "pending")
    expect(cells.nth(2)).to_have_attribute("data-state", "pending")
    assert len(stored_marks(live_server, seat.judge_id)) == 1

    # --- the network comes back but the server cannot be reached; the judge reloads ------------
    gate.open = False
    tablet.set_offline(False)
    page.reload()
    expect(conn).to_have_attribute("data-state", re.compile("reconnecting|connecting"))
    expect(queue).to_have_attribute("data-count", "2")
    expect(cells.nth(0)).to_have_attribute("data-state", "done")
    expect(cells.nth(1)).to_have_attribute("data-state", "pending")
    expect(cells.nth(1)).to_have_attribute("data-value", VALUES[1])
    expect(cells.nth(2)).to_have_attribute("data-value", VALUES[2])
    assert len(stored_marks(live_server, seat.judge_id)) == 1

    # --- through again: the queue is sent, in order, once --------------------------------------
    gate.open = True
    expect(conn).to_have_attribute("data-state", "connected", timeout=15_000)
    expect(queue).to_have_attribute("data-count", "0")
    expect(cells.nth(1)).to_have_attribute("data-state", "done")
    expect(cells.nth(2)).to_have_attribute("data-state", "done")
    assert page.evaluate("judgeTablet.queue().length") == 0

    # --- the last mark online; a value refused by the server would show next to its cell ------
    cells.nth(3).click()
    enter(page, VALUES[3])
    expect(page.locator("#entry")).to_be_hidden()  # no cell left: the panel closes
    expect(cells.nth(3)).to_have_attribute("data-state", "done")
    expect(queue).to_have_attribute("data-count", "0")
    expect(sheet).to_have_attribute("data-status", "done")

    stored = stored_marks(live_server, seat.judge_id)
    assert [value for _, _, value, _ in stored] == VALUES
    assert len({key for *_, key in stored}) == len(VALUES)
    assert all(key for *_, key in stored)

    # --- sign-off (签字确认) with a confirmation ---------------------------------------------
    sign = sheet.locator("button.sign")
    expect(sign).to_be_enabled()
    sign.click()
    confirm = page.locator("#confirm-sign")
    expect(confirm).to_be_visible()
    confirm.locator('button[value="cancel"]').click()
    expect(sheet).to_have_attribute("data-status", "done")
    sign.click()
    confirm.locator('button[value="sign"]').click()
    expect(sheet).to_have_attribute("data-status", "signed")
    expect(sheet.locator(".signed-at")).to_be_visible()
    expect(cells.first).to_be_disabled()
    with live_server.app.app_context():
        signed = db.session.scalars(
            select(SheetSignoff).where(SheetSignoff.judge_id == seat.judge_id)
        ).all()
        assert [s.event_id for s in signed] == [seat.event_id]
        db.session.remove()
    assert len(stored_marks(live_server, seat.judge_id)) == len(VALUES)

    # a reload shows the signed sheet as the server has it
    page.reload()
    expect(conn).to_have_attribute("data-state", "connected")
    expect(page.locator("section.sheet")).to_have_attribute("data-status", "signed")
    assert waiting(page) == "0"
