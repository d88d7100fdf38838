"""A city final's qualifiers in a real browser: one enterprise round carried on its
publication, one still waiting, one declared on the page after it published and carried by
hand; the entrant list says where each came from (screenshots at three sizes)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from competition.extensions import db
from competition.services import lifecycle, qualifiers
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in, watched_page
from tests.factories import make_admin, make_contest
from tests.welding_scenes import publish_round, welding_round

SIZES = [(1920, 1080), (768, 1024), (390, 844)]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_finals_entrants_show_where_they_came_from(
    live_server: LiveServer,
    browser: Browser,
    request: pytest.FixtureRequest,
    width: int,
    height: int,
) -> None:
    with live_server.app.app_context():
        admin = make_admin("setup")
        final = make_contest(admin, "2026 市焊工技能竞赛决赛")
        lifecycle.advance(admin, final.id, "open_registration")
        event_id = final.events[0].id
        petro = welding_round(admin, "延安石化企业赛")
        qualifiers.declare(admin, event_id, petro.event_id, 3, None)
        publish_round(admin, petro)  # carried on publication
        oilfield = welding_round(admin, "延长油田企业赛", welders=4)
        qualifiers.declare(admin, event_id, oilfield.event_id, 2, None)  # waiting
        county = welding_round(admin, "宝塔区县级赛")
        publish_round(admin, county)  # before any declaration: carried by hand
        url = f"{live_server.url}/console/contests/{final.id}/events/{event_id}/entrants/"
        county_event = county.event_id
        db.session.remove()

    with watched_page(
        browser, request, viewport={"width": width, "height": height}, locale="zh-CN"
    ) as page:
        sign_in(page, live_server)
        page.goto(f"{url}?lang=en")
        section = page.locator("#qualifiers")
        expect(section.locator("tr[data-state=carried]")).to_contain_text("entrants carried: 3")
        expect(section.locator("tr[data-state=waiting]")).to_contain_text("waiting")
        page.locator("#source").select_option(str(county_event))
        page.get_by_label("…or this tier and better").fill("一等奖")
        page.get_by_role("button", name="Declare the qualifier").click()
        ready = section.locator("tr[data-state=ready]")
        expect(ready).to_contain_text("一等奖 or better")
        ready.get_by_role("button", name="Carry now").click()
        expect(page.locator(".flash")).to_contain_text("Entrants carried over: 1.")
        provenance = page.locator("td.provenance")
        expect(provenance.first).to_contain_text("rank 1, total 95.85")
        expect(page.locator("td.provenance", has_text="宝塔区县级赛")).not_to_have_count(0)
        expect(section.locator("tr[data-state=carried]")).to_have_count(2)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"qualifiers_final_{width}x{height}.png"), full_page=True
        )
