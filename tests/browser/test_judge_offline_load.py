"""A judge reloads the tablet page while the venue Wi-Fi is down: the service worker serves
the page and its files from the tablet's cache, the sheet shows every mark sent or queued,
more marks can be entered, and all of them are stored exactly once when the network is back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_judge_tablet import (
    VALUES,
    SocketGate,
    enter,
    seat_a_judge,
    stored_marks,
)


@pytest.fixture
def tablet(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        yield context
    finally:
        context.close()


def record_requests(server: LiveServer) -> list[str]:
    """The paths the server is asked for from now on: what reached it, not what a cache
    answered."""
    paths: list[str] = []
    serve = server.app.wsgi_app

    def recorded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        paths.append(environ["PATH_INFO"])
        return serve(environ, start_response)

    server.app.wsgi_app = recorded  # type: ignore[method-assign]
    return paths


def test_the_tablet_page_reloads_with_no_network(
    tablet: BrowserContext, live_server: LiveServer
) -> None:
    seat = seat_a_judge(live_server)
    # Chromium's offline emulation does not stop websockets (microsoft/playwright#4910): a
    # handshake could still reach the server, so while "offline" the gate refuses them too
    gate = SocketGate(tablet)
    page = tablet.new_page()
    page.goto(seat.login)
    expect(page).to_have_url(f"{live_server.url}/judge/")
    conn = page.locator("#conn")
    queue = page.locator("#queue")
    cells = page.locator("section.sheet button.cell")
    expect(conn).to_have_attribute("data-state", "connected")
    # the worker keeps a copy of the page and its files, then takes charge of this page
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    # --- a mark online, after the copy of the page was made; one offline --------------------
    cells.first.click()
    enter(page, VALUES[0])
    expect(cells.nth(0)).to_have_attribute("data-state", "done")
    expect(queue).to_have_attribute("data-count", "0")
    gate.open = False
    tablet.set_offline(True)
    expect(conn).to_have_attribute("data-state", "offline")
    enter(page, VALUES[1])
    expect(queue).to_have_attribute("data-count", "1")
    page.locator("#entry").press("Escape")

    # --- the judge reloads with no network: the tablet's copy, with both marks ---------------
    reached = record_requests(live_server)
    reloaded = page.reload()
    assert reloaded is not None and reloaded.ok and reloaded.from_service_worker
    expect(conn).to_have_attribute("data-state", "offline")
    expect(cells).to_have_count(4)
    expect(page.locator("th.entrant")).to_have_text(["A-1", "A-2"])
    expect(cells.nth(0)).to_have_attribute("data-state", "done")
    expect(cells.nth(0)).to_have_attribute("data-value", VALUES[0])
    expect(cells.nth(1)).to_have_attribute("data-state", "pending")
    expect(cells.nth(1)).to_have_attribute("data-value", VALUES[1])
    expect(queue).to_have_attribute("data-count", "1")

    # --- and keeps marking --------------------------------------------------------------------
    cells.nth(2).click()
    expect(page.locator("#entry .choice")).to_have_count(21)
    enter(page, VALUES[2])
    expect(cells.nth(2)).to_have_attribute("data-state", "pending")
    expect(queue).to_have_attribute("data-count", "2")
    assert reached == []  # neither the page, nor a file, nor a socket, nor a mark
    assert len(stored_marks(live_server, seat.judge_id)) == 1

    # --- the network is back: the queue is sent, each mark once ---------------------------------
    gate.open = True
    tablet.set_offline(False)
    expect(conn).to_have_attribute("data-state", "connected", timeout=15_000)
    expect(queue).to_have_attribute("data-count", "0")
    expect(cells.nth(1)).to_have_attribute("data-state", "done")
    expect(cells.nth(2)).to_have_attribute("data-state", "done")
    stored = stored_marks(live_server, seat.judge_id)
    assert [value for _, _, value, _ in stored] == VALUES[:3]
    assert len({key for *_, key in stored}) == 3 and all(key for *_, key in stored)

    # online again, a reload gets a fresh page from the server, not the copy
    reloaded = page.reload()
    assert reloaded is not None and reloaded.ok
    assert "/judge/" in reached
    expect(cells.nth(2)).to_have_attribute("data-state", "done")
    expect(queue).to_have_attribute("data-count", "0")
