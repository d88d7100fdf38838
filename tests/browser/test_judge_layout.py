"""The tablet page fits the two tablets judges are handed, upright (768×1024) and on its side
(1280×800): nothing scrolls sideways, every cell and every value on the entry panel is a
finger-sized target on the screen, and the connection state and the waiting count stay in
view while the judge enters marks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_judge_tablet import VALUES, enter, seat_a_judge

TOUCH = 44  # CSS pixels: the smallest target a finger hits reliably (WCAG 2.5.5, Apple HIG)
TABLETS = [(768, 1024), (1280, 800)]


@pytest.fixture(params=TABLETS, ids=lambda size: f"{size[0]}x{size[1]}")
def tablet_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


def on_screen(page: Page, target: Locator) -> list[str]:
    """Why each element the locator matches is not a whole, finger-sized target in view."""
    size = page.viewport_size
    assert size is not None
    problems = []
    for index in range(target.count()):
        box = target.nth(index).bounding_box()
        if box is None:
            problems.append(f"{index}: not shown")
            continue
        if box["width"] < TOUCH or box["height"] < TOUCH:
            problems.append(f"{index}: {box['width']:.0f}×{box['height']:.0f} px")
        if box["x"] < 0 or box["x"] + box["width"] > size["width"]:
            problems.append(f"{index}: off the screen sideways")
        if box["y"] < 0 or box["y"] + box["height"] > size["height"]:
            problems.append(f"{index}: off the screen vertically")
    return problems


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_tablet_page_fits_a_tablet_both_ways_up(
    tablet_page: Page, live_server: LiveServer
) -> None:
    page = tablet_page
    seat = seat_a_judge(live_server)
    page.goto(seat.login)
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    cells = page.locator("section.sheet button.cell")
    expect(cells).to_have_count(4)
    assert no_sideways_scroll(page)
    assert on_screen(page, cells) == []
    expect(page.locator("#conn")).to_be_in_viewport()
    expect(page.locator("#queue")).to_be_in_viewport()

    # 0–10 by 0.5: all 21 values at once, each a button a finger can hit, none scrolled away
    cells.first.click()
    choices = page.locator("#entry .choice")
    expect(choices).to_have_count(21)
    assert on_screen(page, choices) == []
    assert no_sideways_scroll(page)
    enter(page, VALUES[0])
    expect(cells.first).to_have_attribute("data-state", "done")

    # the panel has moved on to 0–5 by 0.5: the same holds for its 11 values
    expect(choices).to_have_count(11)
    assert on_screen(page, choices) == []
    expect(page.locator("#queue")).to_be_in_viewport()
    expect(page.locator("#queue")).to_have_attribute("data-count", "0")
