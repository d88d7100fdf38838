"""The public live board's states on a phone (Chinese, 390×844): hidden and shown again while
the page is open, frozen until publication, a missed message repaired by a refetch, ties and
their tie-breaks, and a blind contest whose names open under a viewer's eyes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select

from competition.extensions import db, socketio
from competition.models import Contest, Entrant, User
from competition.services import blind as blind_service
from competition.services import (
    board,
    contests,
    entrants,
    lifecycle,
    marks,
    scoring,
)
from competition.services.authority import Actor
from competition.services.contests import RuleSource
from competition.services.live_boards import board_feed
from competition.services.marks import MarkInput
from tests.browser.conftest import ADMIN, LiveServer, watched_page
from tests.scenes import inspect, orchard_contest

# two measured criteria; equal totals are ordered by theory, then share a rank
RULES = """\
contest: 2026 职工技能竞赛 · 电工
criteria:
  practical: { kind: measured, label: 实操, min: 0, max: 100 }
  theory: { kind: measured, label: 理论, min: 0, max: 100 }
total: { formula: practical + theory, round: { ndigits: 1 } }
ranking:
  tiebreak:
    - { key: theory, order: desc }
"""
VENUE = ZoneInfo("Asia/Shanghai")
FOLLOWED = re.compile(r"\bfollowed\b")
SHARED = re.compile(r"\bis-shared\b")


def admin_actor() -> Actor:
    user = db.session.scalar(select(User).where(User.username == ADMIN))
    assert user is not None
    return Actor.of_user(user)


def electricians(server: LiveServer, scores: dict[str, tuple[str, str]]) -> int:
    """A contest in scoring with one entrant per code in ``scores``, named 选手<code>, whose
    practical and theory values are entered; its id."""
    with server.app.app_context():
        admin = admin_actor()
        contest = contests.create_contest(
            admin, "2026 职工技能竞赛", [("电工", RuleSource("electrician.yaml", RULES))]
        )
        event_id = contest.events[0].id
        lifecycle.advance(admin, contest.id, "open_registration")
        for code in scores:
            entrants.add_entrant(admin, event_id, code, f"选手{code}", {})
        lifecycle.advance(admin, contest.id, "open_scoring")
        for code, (practical, theory) in scores.items():
            enter(admin, event_id, code, practical=practical, theory=theory)
        contest_id = contest.id
        db.session.remove()
    return contest_id


def enter(admin: Actor, event_id: int, code: str, **values: str) -> None:
    for criterion, value in values.items():
        marks.record_mark(admin, event_id, MarkInput(code, criterion, value))


def event_of(contest_id: int) -> int:
    contest = db.session.get(Contest, contest_id)
    assert contest is not None
    return contest.events[0].id


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone in Chinese at the venue's time zone."""
    with watched_page(
        browser,
        request,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    ) as opened:
        yield opened


def open_board(phone: Page, server: LiveServer, contest_id: int) -> None:
    phone.goto(f"{server.url}/live/{contest_id}")
    expect(phone.locator("#conn")).to_have_attribute("data-state", "connected")


def held_version(phone: Page) -> int:
    return int(phone.evaluate("window.liveBoard.version()"))


def row(phone: Page, key: str) -> Locator:
    return phone.locator(f'tr.live-row[data-key="{key}"]')


def test_hiding_the_board_empties_the_open_page_and_showing_it_brings_the_rows_back(
    phone: Page, live_server: LiveServer
) -> None:
    contest_id = electricians(live_server, {"E01": ("60", "30"), "E02": ("50", "20")})
    open_board(phone, live_server, contest_id)
    rows = phone.locator("tr.live-row")
    banner = phone.locator("#live-banner")
    expect(rows).to_have_count(2)
    expect(banner).to_contain_text("临时排名")

    with live_server.app.app_context():
        board.set_mode(admin_actor(), contest_id, "hidden")
        db.session.remove()
    expect(banner).to_have_text("成绩将在发布后公布。")
    expect(rows).to_have_count(0)
    expect(phone.locator("#live-events")).not_to_contain_text("选手E01")

    with live_server.app.app_context():
        board.set_mode(admin_actor(), contest_id, "provisional")
        db.session.remove()
    expect(banner).to_contain_text("临时排名")
    expect(phone.locator("tr.live-row .label")).to_have_text(["选手E01", "选手E02"])
    expect(row(phone, "E01").locator(".total")).to_have_text("90.0")
    assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_a_frozen_board_holds_its_totals_until_the_results_are_published(
    phone: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        scene = orchard_contest(admin_actor(), 4)
        for code in scene.codes:
            inspect(scene, code, "8")
        db.session.remove()
    open_board(phone, live_server, scene.contest_id)
    banner = phone.locator("#live-banner")
    expect(banner).to_contain_text("临时排名")

    with live_server.app.app_context():
        frozen_at = board.set_mode(scene.admin, scene.contest_id, "frozen").board_frozen_at
        db.session.remove()
    assert frozen_at is not None
    at = frozen_at.replace(tzinfo=UTC).astimezone(VENUE)
    expect(banner).to_contain_text("封榜")
    expect(banner).to_contain_text(f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}")
    first = row(phone, "YA001").locator(".total")
    frozen_total = first.inner_text()
    assert re.fullmatch(r"\d+\.\d\d", frozen_total), frozen_total

    # two of the three experts raise the first orchard's inspection after the freeze
    version = held_version(phone)
    with live_server.app.app_context():
        inspect(scene, "YA001", "10", range(2))
        db.session.remove()
    expect(phone.locator("#live")).not_to_have_attribute("data-version", str(version))
    expect(first).to_have_text(frozen_total)
    expect(banner).to_contain_text("封榜")

    with live_server.app.app_context():
        lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
        for judge in scene.judges:
            scoring.sign_sheet(judge, scene.event_id)
        lifecycle.advance(scene.admin, scene.contest_id, "lock")
        lifecycle.advance(scene.admin, scene.contest_id, "publish", "结果公示")
        db.session.remove()
    expect(banner).to_contain_text("成绩已发布")
    expect(phone.locator("#live")).to_have_attribute("data-mode", "published")
    expect(first).not_to_have_text(frozen_total)
    expect(phone.locator("thead th.col-award")).to_have_text("奖项")
    expect(phone.locator("tr.live-row td.col-award")).to_have_text(
        ["一等奖", "一等奖", "一等奖", "二等奖"]
    )


def test_a_diff_from_another_base_makes_the_page_refetch_the_standings(
    phone: Page, live_server: LiveServer
) -> None:
    contest_id = electricians(live_server, {"E01": ("60", "30"), "E02": ("50", "20")})
    standings_url = f"{live_server.url}/api/contests/{contest_id}/standings"
    open_board(phone, live_server, contest_id)
    expect(row(phone, "E02").locator(".total")).to_have_text("70.0")
    version = held_version(phone)

    feed = board_feed(live_server.app)
    with live_server.app.app_context(), feed.send_lock:
        # this process sends its viewers nothing meanwhile (it holds the send lock); the page
        # is handed a diff based on a board it never held (as after a refetch answered by
        # another server process): it must fetch the standings again
        enter(admin_actor(), event_of(contest_id), "E02", practical="75")
        latest = board.current_version(contest_id)
        with phone.expect_request(standings_url) as refetched:
            socketio.emit(
                "diff",
                {"base": version - 1, "version": latest, "change": {}},
                namespace="/live",
                to=f"contest:{contest_id}",
            )
        db.session.remove()
    assert refetched.value.method == "GET"
    expect(row(phone, "E02").locator(".total")).to_have_text("95.0")
    expect(phone.locator("tr.live-row .label")).to_have_text(["选手E02", "选手E01"])
    assert held_version(phone) >= latest


def test_equal_totals_show_the_tie_break_that_decided_them_or_a_shared_rank(
    phone: Page, live_server: LiveServer
) -> None:
    contest_id = electricians(
        live_server,
        {"E01": ("80", "20"), "E02": ("70", "30"), "E03": ("60", "20"), "E04": ("60", "10")},
    )
    open_board(phone, live_server, contest_id)
    # E01 and E02 both have 100: theory puts E02 first
    expect(phone.locator("tr.live-row .label")).to_have_text(
        ["选手E02", "选手E01", "选手E03", "选手E04"]
    )
    for key, rank in (("E02", "1"), ("E01", "2")):
        expect(row(phone, key).locator(".rank")).to_have_text(rank)
        expect(row(phone, key).locator(".tiebreak")).to_have_text("并列处理：理论")
    expect(row(phone, "E03").locator(".tiebreak")).to_have_count(0)

    # E04's theory is corrected to E03's: equal on every key, they share third place
    with live_server.app.app_context():
        enter(admin_actor(), event_of(contest_id), "E04", theory="20")
        db.session.remove()
    for key in ("E03", "E04"):
        expect(row(phone, key).locator(".rank")).to_have_text("并列3")
        expect(row(phone, key)).to_have_class(SHARED)
        expect(row(phone, key).locator(".total")).to_have_text("80.0")
    expect(row(phone, "E01")).not_to_have_class(SHARED)


def test_unblinding_opens_the_names_on_the_open_page_and_keeps_the_followed_entrant(
    phone: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        scene = orchard_contest(admin_actor(), 4, blind=True)
        for code in scene.codes:
            inspect(scene, code, "8")
        codes = blind_service.codes_by_entrant(scene.event_id)
        entrant = db.session.scalar(select(Entrant).where(Entrant.code == "YA002"))
        assert entrant is not None
        number = codes[entrant.id].contestant_no
        db.session.remove()

    open_board(phone, live_server, scene.contest_id)
    rows = phone.locator("tr.live-row")
    expect(rows).to_have_count(4)
    expect(phone.locator("thead th.col-label")).to_have_text("编号")
    expect(rows.locator(".label")).to_have_text([re.compile(r"^A-\d$")] * 4)
    events = phone.locator("#live-events")
    for code in scene.codes:
        expect(events).not_to_contain_text(code)

    # the viewer finds the number on the badge and follows it
    phone.locator("#live-find").fill(number)
    expect(rows.locator("visible=true")).to_have_count(1)
    phone.locator(f'tr.live-row[data-number="{number}"] button.follow').click()
    phone.locator("#live-find").fill("")
    expect(rows.locator("visible=true")).to_have_count(4)
    followed = phone.locator("tr.live-row.followed")
    expect(followed).to_have_attribute("data-number", number)
    expect(phone.locator("#live-followed .label")).to_have_text(number)

    with live_server.app.app_context():
        lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
        for judge in scene.judges:
            scoring.sign_sheet(judge, scene.event_id)
        lifecycle.advance(scene.admin, scene.contest_id, "lock")
        blind_service.unblind(scene.admin, scene.contest_id)
        db.session.remove()

    expect(phone.locator("thead th.col-label")).to_have_text(
        "参赛果园"
    )  # what the rule file calls its entrants
    expect(rows.locator(".label")).to_have_text(
        sorted((f"果园{code}" for code in scene.codes), reverse=True)
    )
    expect(followed).to_have_count(1)
    expect(followed).to_have_attribute("data-key", "YA002")
    expect(followed.locator(".label")).to_have_text("果园YA002")
    expect(followed.locator("button.follow")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#live-followed .label")).to_have_text("果园YA002")
    assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_a_blind_board_says_the_numbers_are_not_drawn_until_the_draw_fills_it(
    phone: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        admin = admin_actor()
        contest = contests.create_contest(
            admin, "2026 焊工", [("焊工", RuleSource("weld.yaml", RULES))], blind=True
        )
        event_id = contest.events[0].id
        lifecycle.advance(admin, contest.id, "open_registration")
        for code in ("W01", "W02", "W03"):
            entrants.add_entrant(admin, event_id, code, f"焊工{code}", {})
        contest_id = contest.id
        db.session.remove()

    open_board(phone, live_server, contest_id)
    expect(phone.locator(".live-empty")).to_have_text("参赛编号尚未抽签：抽签后这里显示成绩。")
    expect(phone.locator("tr.live-row")).to_have_count(0)

    with live_server.app.app_context():
        blind_service.draw(admin, event_id, seed="draw")
        db.session.remove()
    rows = phone.locator("tr.live-row")
    expect(rows).to_have_count(3)
    expect(rows.locator(".label")).to_have_text([re.compile(r"^A-\d$")] * 3)
    expect(phone.locator("#live-events")).not_to_contain_text("焊工W0")


def test_the_banner_says_when_scoring_has_closed_and_when_the_results_are_locked(
    phone: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        scene = orchard_contest(admin_actor(), 2)
        for code in scene.codes:
            inspect(scene, code, "8")
        db.session.remove()
    open_board(phone, live_server, scene.contest_id)
    banner = phone.locator("#live-banner")
    expect(banner).to_contain_text("临时排名")
    with live_server.app.app_context():
        lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
        db.session.remove()
    expect(banner).to_have_text("评分已结束：成绩正在复核，不再随评分变化。")
    with live_server.app.app_context():
        for judge in scene.judges:
            scoring.sign_sheet(judge, scene.event_id)
        lifecycle.advance(scene.admin, scene.contest_id, "lock")
        db.session.remove()
    expect(banner).to_have_text("成绩已锁定：即将发布。")
    expect(banner).not_to_contain_text("临时排名")
