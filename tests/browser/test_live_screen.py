"""The big screen of a hall (1920×1080) in every state of a contest: provisional, frozen,
locked and published with the award, title and prize columns. Every row is one line of the
same height, every page fits above the pager, and turning the pages shows every rank once;
a long name is cut short on the screen and shown whole on a phone (390×844)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import User
from competition.services import board, lifecycle, scoring
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, watched_page
from tests.scenes import Orchards, inspect, orchard_contest, publish

ORCHARDS = 30
ATTRIBUTES = ["县（市、区）", "经营主体", "主栽品种"]  # the rule file's order


def long_name(code: str) -> str:
    """A name as long as real ones get (a family farm's full registered name)."""
    return f"延安市宝塔区柳林镇刘家沟村刘宝平家庭农场苹果标准化示范园{code}"


@pytest.fixture
def screen(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    with watched_page(
        browser, request, viewport={"width": 1920, "height": 1080}, locale="zh-CN"
    ) as opened:
        yield opened


def admin_actor() -> Actor:
    user = db.session.scalar(select(User).where(User.username == ADMIN))
    assert user is not None
    return Actor.of_user(user)


def long_named_orchards(server: LiveServer) -> Orchards:
    """30 orchards with long names in scoring, all but the last two inspected (incomplete)."""
    with server.app.app_context():
        scene = orchard_contest(admin_actor(), ORCHARDS, name_of=long_name)
        for index, code in enumerate(scene.codes[:-2]):
            inspect(scene, code, str(4 + index % 7))
        db.session.remove()
    return scene


def shown_rows(screen: Page) -> list[dict[str, Any]]:
    """The rows on the page shown: key, rank, where they are and whether a cell's text
    spills (a cell is one line: its text is cut, never wrapped)."""
    result: list[dict[str, Any]] = screen.evaluate(
        """() => Array.from(document.querySelectorAll("tr.live-row"))
          .filter((tr) => tr.offsetParent !== null)
          .map((tr) => {
            const box = tr.getBoundingClientRect();
            return {
              key: tr.dataset.key, rank: tr.dataset.rank, top: box.top, bottom: box.bottom,
              height: box.height, right: box.right,
              wrapped: Array.from(tr.cells).some((td) => td.scrollHeight > td.clientHeight + 1),
            };
          })"""
    )
    return result


def every_page(screen: Page, state: str) -> list[str]:
    """Turn every page: each fits above the pager, its rows one line each; the keys seen in
    turn. A screenshot of the first page is kept per state."""
    live = screen.locator("#live")
    pages = int(live.get_attribute("data-pages") or "0")
    row_height = float(
        screen.evaluate(
            "parseFloat(getComputedStyle(document.getElementById('live'))"
            ".getPropertyValue('--live-row'))"
        )
    )
    pager = screen.locator("#live-page").bounding_box()
    assert pager is not None
    seen: list[str] = []
    for number in range(1, pages + 1):
        expect(live).to_have_attribute("data-page", str(number))
        rows = shown_rows(screen)
        assert rows, f"{state}: page {number} shows no row"
        for row in rows:
            assert row["bottom"] <= pager["y"], f"{state}: {row['key']} is below the screen"
            assert row["height"] <= row_height + 1, f"{state}: {row['key']} wraps"
            assert not row["wrapped"], f"{state}: a cell of {row['key']} spills over"
            assert row["right"] <= 1920
        seen.extend(row["key"] for row in rows)
        if number == 1:
            ARTIFACTS.mkdir(exist_ok=True)
            screen.screenshot(path=str(ARTIFACTS / f"live_screen_{state}.png"))
        screen.evaluate("window.liveBoard.nextPage()")
    expect(live).to_have_attribute("data-page", "1")  # the pages cycle
    return seen


def attribute_heads(screen: Page) -> list[str]:
    heads: list[str] = screen.locator("thead th.col-attr").all_inner_texts()
    return heads


def board_keys(screen: Page) -> list[str]:
    keys: list[str] = screen.evaluate(
        "window.liveBoard.board().events.flatMap((e) => e.rows.map((r) => r.key))"
    )
    return keys


def test_the_big_screen_shows_every_rank_of_every_page_in_every_state(
    screen: Page, live_server: LiveServer
) -> None:
    scene = long_named_orchards(live_server)
    screen.goto(f"{live_server.url}/live/{scene.contest_id}/screen?seconds=120")
    live = screen.locator("#live")
    expect(screen.locator("#conn")).to_have_attribute("data-state", "connected")

    # provisional: two orchards still incomplete, so the status column shows
    expect(screen.locator("th.col-status")).to_have_count(1)
    assert attribute_heads(screen) == ATTRIBUTES  # the page's board, whose JSON keys are sorted
    assert int(live.get_attribute("data-pages") or "0") >= 3
    assert every_page(screen, "provisional") == board_keys(screen)
    name = screen.locator("tr.live-row td.col-label").first
    assert name.evaluate("td => td.scrollWidth > td.clientWidth"), "the long name is not cut"
    assert name.get_attribute("title") == name.inner_text() == long_name(scene.codes[-3])

    with live_server.app.app_context():
        version = board.current_version(scene.contest_id)
        board.set_mode(scene.admin, scene.contest_id, "frozen")
        for code in scene.codes[-2:]:
            inspect(scene, code, "9")
        db.session.remove()
    expect(screen.locator("#live-banner")).to_have_attribute("data-kind", "frozen")
    expect(live).not_to_have_attribute("data-version", str(version))
    assert every_page(screen, "frozen") == board_keys(screen)

    with live_server.app.app_context():
        lifecycle.advance(scene.admin, scene.contest_id, "close_scoring")
        for judge in scene.judges:
            scoring.sign_sheet(judge, scene.event_id)
        lifecycle.advance(scene.admin, scene.contest_id, "lock")
        lifecycle.advance(scene.admin, scene.contest_id, "publish", "结果公示")
        db.session.remove()
    expect(live).to_have_attribute("data-mode", "published")
    expect(screen.locator("th.col-award")).to_be_visible()
    expect(screen.locator("th.col-status")).to_have_count(0)  # every orchard complete now
    # prizes as the award list prints them: thousands separated, in yuan
    expect(screen.locator("tr.live-row td.col-prize").first).to_have_text("20,000 元")
    keys = every_page(screen, "published")
    assert keys == board_keys(screen) and len(keys) == ORCHARDS
    assert attribute_heads(screen) == ATTRIBUTES  # after live updates: the same order
    screen.reload()
    expect(screen.locator("th.col-award")).to_be_visible()
    assert attribute_heads(screen) == ATTRIBUTES
    qr = screen.locator("#live-qr svg").bounding_box()
    assert qr is not None and qr["width"] >= 250


def test_the_phone_shows_a_long_name_whole(
    browser: Browser, request: pytest.FixtureRequest, live_server: LiveServer
) -> None:
    scene = long_named_orchards(live_server)
    with watched_page(
        browser, request, viewport={"width": 390, "height": 844}, locale="zh-CN"
    ) as phone:
        phone.goto(f"{live_server.url}/live/{scene.contest_id}")
        label = phone.locator("tr.live-row .label").first
        expect(label).to_have_text(long_name(scene.codes[-3]))  # inspected best: first
        assert label.evaluate("span => span.scrollWidth <= span.clientWidth + 1")
        assert label.evaluate("span => getComputedStyle(span).textOverflow") != "ellipsis"
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "live_phone_long_names.png"))


def test_the_award_ceremony_reveals_the_tiers_lowest_first_at_each_key_press(
    screen: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        scene = orchard_contest(admin_actor(), ORCHARDS, name_of=long_name)
        db.session.remove()
    ceremony = f"{live_server.url}/live/{scene.contest_id}/screen?mode=ceremony&lang=en"
    refused = screen.goto(ceremony)
    assert refused is not None and refused.status == 409
    expect(screen.get_by_role("alert")).to_have_text(
        "The award ceremony opens once the results are published."
    )
    expect(screen.locator(".ceremony-awardee")).to_have_count(0)

    with live_server.app.app_context():
        publish(scene)
        db.session.remove()
    screen.goto(ceremony)
    root = screen.locator("#ceremony")
    shown = screen.locator(".ceremony-slide:visible")
    expect(shown).to_have_attribute("data-kind", "cover")
    expect(shown.locator(".ceremony-awardee")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "ceremony_cover.png"))

    # the presenter's clicker: PageDown, the space bar, →; the rule file gives 3, 5 and 7
    # places and names the best 15 亩均效益冠军园 (a slide holds twelve)
    revealed = []
    for key, tier, count in (
        ("PageDown", "三等奖", 7),
        (" ", "二等奖", 5),
        ("ArrowRight", "一等奖", 3),
        ("ArrowRight", "亩均效益冠军园", 12),
        ("ArrowRight", "亩均效益冠军园", 3),
    ):
        screen.keyboard.press(key)
        expect(shown).to_have_attribute("data-tier", tier)
        expect(shown.locator(".ceremony-awardee")).to_have_count(count)
        heading = shown.locator(".ceremony-tier").bounding_box()
        assert heading is not None and heading["height"] >= 100  # readable from the back
        for awardee in shown.locator(".ceremony-awardee").all():
            box = awardee.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 1080
        revealed.append(shown.locator(".ceremony-name").all_inner_texts())
        screen.screenshot(path=str(ARTIFACTS / f"ceremony_{len(revealed)}.png"))
    # the first prize's three are the top three of the board
    assert revealed[2] == [long_name(code) for code in ("YA030", "YA029", "YA028")]
    screen.keyboard.press("ArrowRight")  # the last slide stays
    expect(root).to_have_attribute("data-slide", "5")
    screen.keyboard.press("PageUp")
    expect(shown).to_have_attribute("data-tier", "亩均效益冠军园")
    expect(shown.locator(".ceremony-awardee")).to_have_count(12)


def test_a_judges_mark_appears_under_the_qr_code_without_its_value(
    screen: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        scene = orchard_contest(admin_actor(), 4)
        db.session.remove()
    screen.goto(f"{live_server.url}/live/{scene.contest_id}/screen?lang=en")
    expect(screen.locator("#conn")).to_have_attribute("data-state", "connected")
    marks = screen.locator("#live-recent .live-recent-mark")
    # the field team's measured data came in last: a value, shown with it
    expect(marks.first.locator(".live-recent-entrant")).to_have_text("果园YA004")
    expect(marks.first.locator(".live-recent-what")).to_have_text("商品果重量")
    expect(marks.first.locator(".live-recent-value")).to_have_text("20700")

    with live_server.app.app_context():
        inspect(scene, "YA002", "8", range(1))  # one expert's four marks
        db.session.remove()
    newest = marks.first
    expect(newest.locator(".live-recent-entrant")).to_have_text("果园YA002")
    expect(newest.locator(".live-recent-what")).to_have_text("生产记录与质量追溯")
    expect(newest.locator(".live-recent-value")).to_have_text("marked")  # never a judge's value
    values = marks.locator(".live-recent-value").all_inner_texts()
    assert values[:4] == ["marked"] * 4, values
    side, recent = screen.locator(".live-side").bounding_box(), marks.last.bounding_box()
    assert side is not None and recent is not None
    assert recent["y"] + recent["height"] <= side["y"] + side["height"]
    qr = screen.locator("#live-qr svg").bounding_box()
    assert qr is not None and qr["width"] >= 250
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "live_screen_latest_marks.png"))

    # a frozen board says nothing of what comes in after it froze
    with live_server.app.app_context():
        board.set_mode(scene.admin, scene.contest_id, "frozen")
        db.session.remove()
    expect(screen.locator("#live-recent")).to_be_hidden()
    assert screen.evaluate("window.liveBoard.board().recent") == []
