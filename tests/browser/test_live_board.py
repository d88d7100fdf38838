"""The public live board in a real browser: a judge's mark moves the board a viewer watches
on a phone without a reload, the entrant the viewer follows stays highlighted, and the big
screen (1920×1080) shows the QR code of the phone view and pages through a long list."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.models import User
from competition.services import assignments, contests, entrants, judges, lifecycle, marks
from competition.services.authority import Actor
from competition.services.contests import RuleSource
from competition.services.marks import MarkInput
from tests.browser.conftest import ADMIN, LiveServer

ARTIFACTS = REPOSITORY_ROOT / "test-artifacts"  # kept by CI, ignored by git
# one judge marks one criterion; equal totals share a rank (no tie-break)
RULES = """\
contest: 2026 职工技能竞赛 · 钳工
entrants:
  attributes:
    workshop: { type: text, label: 车间 }
    phone: { type: text, label: 联系电话, public: false }
criteria:
  skill:
    kind: judged
    label: 实操
    judges: 1
    scale: { min: 0, max: 10, step: 0.5 }
total: { formula: skill, round: { ndigits: 1 } }
"""
PHONE = "13912345678"
FOLLOWED = re.compile(r"\bfollowed\b")


@dataclass
class Board:
    contest_id: int
    judge_login: str


def set_up_board(server: LiveServer, names: list[str], marked: dict[str, str]) -> Board:
    """A contest in scoring; entrant E01, E02 ... by the names given; one judge, who has
    already marked the entrants in ``marked`` (code → value)."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = contests.create_contest(
            admin, "2026 职工技能竞赛", [("钳工", RuleSource("fitter.yaml", RULES))]
        )
        event_id = contest.events[0].id
        lifecycle.advance(admin, contest.id, "open_registration")
        for number, name in enumerate(names, start=1):
            attributes = {"workshop": f"{number % 3 + 1}号车间", "phone": PHONE}
            entrants.add_entrant(admin, event_id, f"E{number:02d}", name, attributes)
        judge, token = judges.create_judge(admin, contest.id, "王志刚")
        assignments.assign(admin, judge.id, event_id, "skill")
        lifecycle.advance(admin, contest.id, "open_scoring")
        as_judge = Actor("judge", judge.id, judge.name)
        for code, value in marked.items():
            marks.record_mark(as_judge, event_id, MarkInput(code, "skill", value))
        board = Board(contest.id, judges.login_url(server.url, token))
        db.session.remove()
    return board


def test_a_judges_mark_moves_the_board_and_the_followed_entrant_stays_highlighted(
    browser: Browser, live_server: LiveServer
) -> None:
    board = set_up_board(live_server, ["张建国", "李秀英", "王海涛"], {"E01": "7", "E02": "8"})
    viewer = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    tablet = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        phone = viewer.new_page()
        phone.goto(f"{live_server.url}/live/{board.contest_id}")
        expect(phone.locator("#conn")).to_have_attribute("data-state", "connected")
        rows = phone.locator("tr.live-row")
        expect(rows).to_have_count(3)
        expect(phone.locator("tr.live-row .label")).to_have_text(["李秀英", "张建国", "王海涛"])
        expect(phone.locator("#live-events")).not_to_contain_text(PHONE)

        # find a name, follow that entrant, clear the search
        phone.locator("#live-find").fill("张建")
        expect(rows.locator("visible=true")).to_have_count(1)
        phone.locator('tr.live-row[data-key="E01"] button.follow').click()
        phone.locator("#live-find").fill("")
        expect(rows.locator("visible=true")).to_have_count(3)
        followed = phone.locator('tr.live-row[data-key="E01"]')
        expect(followed).to_have_class(FOLLOWED)
        expect(phone.locator("#live-followed")).to_contain_text("张建国")
        expect(followed).to_have_attribute("data-rank", "2")

        # a judge marks the third entrant on a tablet in another context
        judge = tablet.new_page()
        judge.goto(board.judge_login)
        expect(judge.locator("#conn")).to_have_attribute("data-state", "connected")
        judge.locator('section.sheet button.cell[data-state="empty"]').first.click()
        judge.locator('#entry .choice[data-value="9.5"]').click()
        expect(judge.locator("#queue")).to_have_attribute("data-count", "0")

        # the phone shows the new total and rank without a reload; the order slides
        third = phone.locator('tr.live-row[data-key="E03"]')
        expect(third.locator(".total")).to_have_text("9.5")
        expect(third).to_have_attribute("data-rank", "1")
        expect(phone.locator("tr.live-row .label")).to_have_text(["王海涛", "李秀英", "张建国"])
        expect(followed).to_have_attribute("data-rank", "3")
        expect(followed).to_have_class(FOLLOWED)
        expect(phone.locator("#live-followed .rank")).to_have_text("3")
        assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1

        # following is remembered on the phone
        phone.reload()
        expect(phone.locator('tr.live-row[data-key="E01"]')).to_have_class(FOLLOWED)
        star = phone.locator('tr.live-row[data-key="E01"] button.follow').bounding_box()
        assert star is not None and star["width"] >= 44 and star["height"] >= 44  # a thumb's
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "live_phone.png"), full_page=True)
    finally:
        viewer.close()
        tablet.close()


def test_the_big_screen_shows_the_qr_code_and_pages_through_a_long_list(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    names = [f"选手{number:02d}" for number in range(1, 33)]
    values = {f"E{n:02d}": str((n * 5 % 21) / 2) for n in range(1, 33)}
    board = set_up_board(live_server, names, values)
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        screen = projector.new_page()
        screen.goto(f"{live_server.url}/live/{board.contest_id}/screen?seconds=3")
        live = screen.locator("#live")
        qr = screen.locator("#live-qr svg")
        expect(qr).to_be_visible()
        expect(screen.locator("#live-qr")).to_contain_text(
            f"{live_server.url}/live/{board.contest_id}"
        )
        expect(screen.locator("#conn")).to_have_attribute("data-state", "connected")

        # 32 entrants, 14 a page: three pages, one shown at a time, fitting the screen
        expect(live).to_have_attribute("data-pages", "3")
        expect(live).to_have_attribute("data-page", "1")
        shown = screen.locator("tr.live-row").locator("visible=true")
        expect(shown).to_have_count(14)
        expect(shown.first).to_have_attribute("data-rank", "1")
        last, pager = shown.last.bounding_box(), screen.locator("#live-page").bounding_box()
        assert last is not None and pager is not None
        assert last["y"] + last["height"] <= pager["y"], "the page's last row is cut off"
        box = qr.bounding_box()
        assert box is not None and box["width"] >= 250

        shot = tmp_path / "live_screen.png"
        screen.screenshot(path=str(shot))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, ARTIFACTS / "live_screen.png")

        expect(live).to_have_attribute("data-page", "2", timeout=10_000)
        expect(shown).to_have_count(14)
        expect(screen.locator("#live-page")).to_contain_text("2")
        expect(live).to_have_attribute("data-page", "3", timeout=10_000)
        expect(shown).to_have_count(32 - 28)
    finally:
        projector.close()
