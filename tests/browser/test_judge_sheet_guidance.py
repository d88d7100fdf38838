"""What the tablet (768×1024) tells a judge as a sheet goes from closed to signed: why the
cells are closed before scoring opens, the column headings kept in view down a long sheet,
the prompt to sign once every cell is marked, locked cells after signing that say why a tap
does nothing, and the judge's name where a console user would be offered "sign in".

In English (`?lang=en`): the new texts are translated when the catalog is next updated.
Screenshots of each state are kept in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, SheetSignoff, User
from competition.services import assignments, judges, lifecycle, marks
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer
from tests.factories import make_contest

# the four inspection criteria, in the rule file's order (apple_orchard_per_mu_benefit.yaml)
INSPECTION = [
    ("canopy_pruning", "树体结构与整形修剪"),
    ("soil_fertiliser_water", "土肥水管理"),
    ("pest_control_green", "病虫害绿色防控"),
    ("records_traceability", "生产记录与质量追溯"),
]
ORCHARDS = 100


@dataclass
class Sheet:
    contest_id: int
    event_id: int
    judge_id: int
    login: str


def as_admin() -> Actor:
    user = db.session.scalar(select(User).where(User.username == ADMIN))
    assert user is not None
    return Actor.of_user(user)


def long_sheet(server: LiveServer, *, open_scoring: bool = True, marked: bool = True) -> Sheet:
    """A hundred orchards, one judge seated for the four inspection criteria (seated in the
    reverse of the file's order); every cell but the last already marked when ``marked``."""
    with server.app.app_context():
        admin = as_admin()
        contest = make_contest(admin, "2026 苹果冠军园", rules="apple_orchard_per_mu_benefit.yaml")
        event_id = contest.events[0].id
        codes = [f"YA{n:03d}" for n in range(1, ORCHARDS + 1)]
        db.session.add_all(
            Entrant(event_id=event_id, code=code, name=f"果园{code}", attributes={})
            for code in codes
        )
        db.session.commit()
        judge, token = judges.create_judge(admin, contest.id, "王志刚")
        for criterion, _ in reversed(INSPECTION):
            assignments.assign(admin, judge.id, event_id, criterion)
        lifecycle.advance(admin, contest.id, "open_registration")
        if open_scoring:
            lifecycle.advance(admin, contest.id, "open_scoring")
        if marked:
            actor = Actor("judge", judge.id, judge.name)
            cells = [(code, criterion) for code in codes for criterion, _ in INSPECTION]
            for code, criterion in cells[:-1]:
                marks.record_mark(actor, event_id, MarkInput(code, criterion, "4"))
        sheet = Sheet(contest.id, event_id, judge.id, judges.login_url(server.url, token))
        db.session.remove()
    return sheet


@pytest.fixture
def tablet(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def open_in_english(context: BrowserContext, server: LiveServer, login: str) -> Page:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(login)
    page.goto(f"{server.url}/judge/?lang=en")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    assert not errors, errors
    return page


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"tablet_{name}.png"))


def tap(page: Page, selector: str) -> None:
    """A finger on an element, wherever it is on the page (not Playwright's click, which
    waits for a button that says it is disabled)."""
    target = page.locator(selector)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_before_scoring_opens_the_sheet_says_why_nothing_can_be_marked(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    sheet = long_sheet(live_server, open_scoring=False, marked=False)
    page = open_in_english(tablet, live_server, sheet.login)
    why = page.locator("section.sheet .sheet-why")
    expect(why).to_have_text(
        "Scoring has not opened yet: the cells open when the organisers open scoring."
    )
    expect(why).to_be_in_viewport()
    first = "section.sheet button.cell >> nth=0"
    expect(page.locator(first)).to_have_attribute("data-locked", "closed")
    tap(page, first)
    expect(page.locator("#tap-hint")).to_have_text(
        "Scoring has not opened yet: the cells open when the organisers open scoring."
    )
    expect(page.locator("#entry")).to_be_hidden()
    shot(page, "before_scoring")

    with live_server.app.app_context():
        lifecycle.advance(as_admin(), sheet.contest_id, "open_scoring")
        db.session.remove()
    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(page.locator("section.sheet .sheet-why")).to_have_count(0)
    tap(page, first)
    expect(page.locator("#entry")).to_be_visible()


def test_a_long_sheet_keeps_its_headings_prompts_to_sign_and_locks_after_signing(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    sheet = long_sheet(live_server)
    page = open_in_english(tablet, live_server, sheet.login)

    # the header names the judge; no console sign-in is offered to a judge
    header = page.locator("header.site-header")
    expect(header).to_contain_text("Judge: 王志刚")
    expect(header.get_by_role("link", name="Sign in")).to_have_count(0)

    # columns in the rule file's order, under a heading that says what the first one holds
    grid = page.locator("section.sheet table.grid")
    expect(grid.locator("thead .crit-label")).to_have_text([label for _, label in INSPECTION])
    expect(grid.locator("thead th.entrant-head")).to_have_text("参赛果园")

    # far down the sheet the headings are still there, just under the bar
    # in the page, at once: the sheet may be drawn again meanwhile (its rows replaced)
    page.evaluate("document.querySelectorAll('section.sheet tbody tr')[99].scrollIntoView()")
    page.mouse.wheel(0, 200)
    heading = grid.locator("thead th >> nth=1")
    expect(heading).to_be_in_viewport()
    expect(grid.locator("thead")).to_have_class("pinned")
    bar = page.locator(".tablet-bar").bounding_box()
    box = heading.bounding_box()
    assert bar is not None and box is not None
    assert bar["y"] + bar["height"] - 2 <= box["y"] <= bar["y"] + bar["height"] + 2
    shown = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('thead') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert shown, "the heading is covered"
    shot(page, "long_sheet_headings")

    # no prompt until the last cell is in; then the prompt, with its button, on the screen
    prompt = page.locator("#sign-prompt")
    expect(prompt).to_be_hidden()
    page.locator("button.next-empty").click()
    page.locator('#entry .choice[data-value="4.5"]').click()
    expect(page.locator("#entry")).to_be_hidden()
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text(
        f"All {ORCHARDS * len(INSPECTION)} marks of 焊工 are in: please check them and sign."
    )
    sign = prompt.get_by_role("button", name="Sign the sheet")
    expect(sign).to_be_in_viewport()
    expect(sign).to_be_enabled()
    shot(page, "sign_prompt")

    sign.click()
    page.locator('#confirm-sign button[value="sign"]').click()
    expect(page.locator("section.sheet")).to_have_attribute("data-status", "signed")
    expect(prompt).to_be_hidden()
    with live_server.app.app_context():
        assert db.session.scalar(
            select(SheetSignoff).where(SheetSignoff.judge_id == sheet.judge_id)
        )
        db.session.remove()

    # signed: every cell locked, and a tap says why and opens nothing
    cells = page.locator("section.sheet button.cell")
    expect(page.locator("section.sheet button.cell.locked")).to_have_count(cells.count())
    expect(cells.first).to_have_attribute("data-locked", "signed")
    locked_text = (
        "Signed: these marks can no longer be changed here. Ask the chief judge for a re-check."
    )
    expect(page.locator("section.sheet .sheet-why")).to_have_text(locked_text)
    tap(page, "section.sheet tbody tr >> nth=40 >> button.cell >> nth=2")
    hint = page.locator("#tap-hint")
    expect(hint).to_have_text(locked_text)
    expect(hint).to_be_in_viewport()
    expect(page.locator("#entry")).to_be_hidden()
    shot(page, "signed_locked")


def test_a_blind_sheet_heads_its_first_column_as_blind_codes(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    from tests.browser.test_judge_tablet import seat_a_judge

    seat = seat_a_judge(live_server)
    page = open_in_english(tablet, live_server, seat.login)
    expect(page.locator("thead th.entrant-head")).to_have_text("Blind code")
    expect(page.locator("th.entrant")).to_have_text(["A-1", "A-2"])
