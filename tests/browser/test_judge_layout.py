"""The tablet page fits the two tablets judges are handed, upright (768×1024) and on its side
(1280×800): nothing scrolls sideways, every cell and every value on the entry panel is a
finger-sized target on the screen, and the connection state and the waiting count stay in
view while the judge enters marks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_judge_tablet import VALUES, enter, seat_a_judge

TOUCH = 44  # CSS pixels: the smallest target a finger hits reliably (WCAG 2.5.5, Apple HIG)
TABLETS = [(768, 1024), (1280, 800)]
CELLS = "section.sheet button.cell"
CHOICES = "#entry .choice"


@pytest.fixture(params=TABLETS, ids=lambda size: f"{size[0]}x{size[1]}")
def tablet_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


# measured in one go inside the page, so a redraw (the sheet arriving after connect) cannot
# replace an element between two measurements
MEASURE = """([selector, touch]) => Array.from(document.querySelectorAll(selector)).flatMap(
  (element, index) => {
    const box = element.getBoundingClientRect();
    const problems = [];
    if (!element.getClientRects().length) return [`${index}: not shown`];
    if (box.width < touch || box.height < touch)
      problems.push(`${index}: ${Math.round(box.width)}×${Math.round(box.height)} px`);
    if (box.left < 0 || box.right > window.innerWidth)
      problems.push(`${index}: off the screen sideways`);
    if (box.top < 0 || box.bottom > window.innerHeight)
      problems.push(`${index}: off the screen vertically`);
    return problems;
  })"""


def on_screen(page: Page, selector: str) -> list[str]:
    """Why each element the selector matches is not a whole, finger-sized target in view."""
    return list(page.evaluate(MEASURE, [selector, TOUCH]))


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_tablet_page_fits_a_tablet_both_ways_up(
    tablet_page: Page, live_server: LiveServer
) -> None:
    page = tablet_page
    seat = seat_a_judge(live_server)
    page.goto(seat.login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    cells = page.locator(CELLS)
    expect(cells).to_have_count(4)
    assert no_sideways_scroll(page)
    assert on_screen(page, CELLS) == []
    expect(page.locator("button.next-empty")).to_have_count(1)
    assert on_screen(page, "button.next-empty") == []
    expect(page.locator("#conn")).to_be_in_viewport()
    expect(page.locator("#queue")).to_be_in_viewport()

    # 0–10 by 0.5: all 21 values at once, each a button a finger can hit, none scrolled away
    cells.first.click()
    choices = page.locator(CHOICES)
    expect(choices).to_have_count(21)
    assert on_screen(page, CHOICES) == []
    assert no_sideways_scroll(page)
    enter(page, VALUES[0])
    expect(cells.first).to_have_attribute("data-state", "done")

    # the panel has moved on to 0–5 by 0.5: the same holds for its 11 values
    expect(choices).to_have_count(11)
    assert on_screen(page, CHOICES) == []
    expect(page.locator("#queue")).to_be_in_viewport()
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")
