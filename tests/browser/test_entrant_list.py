"""The organiser's list of the demo's 120 orchards on a big screen and a tablet: searched
for a county, paged through, one orchard's operator corrected and seen on the list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.models import Contest
from competition.services.demo import ORCHARD_CONTEST, ORGANISER, load_demo
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in, watched_page

# 洛川县 is the tenth of the demo's thirteen counties: every thirteenth orchard from YA010
LUOCHUAN = [f"YA{n:03d}" for n in range(10, 121, 13)]
# the count above the table, in Chinese once translated, in English until then
COUNT = r"(第 {first}–{last} 条，共 {total} 条|Entrants {first}–{last} of {total}\.)"


def count(first: int, last: int, total: int) -> re.Pattern[str]:
    return re.compile(COUNT.format(first=first, last=last, total=total))


def entrants_url(server: LiveServer) -> str:
    with server.app.app_context():
        load_demo(REPOSITORY_ROOT / "scoring_rules", server.url)
        contest = db.session.query(Contest).filter_by(name=ORCHARD_CONTEST).one()
        url = f"{server.url}/console/contests/{contest.id}/events/{contest.events[0].id}/entrants/"
        db.session.remove()
    return url


def codes(page: Page) -> list[str]:
    return page.locator("table.entrants tbody tr td:first-child").all_inner_texts()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (768, 1024)])
def test_the_organiser_searches_pages_and_corrects_an_orchard(
    live_server: LiveServer,
    browser: Browser,
    request: pytest.FixtureRequest,
    width: int,
    height: int,
) -> None:
    url = entrants_url(live_server)
    size = f"{width}x{height}"
    viewport = {"width": width, "height": height}
    with watched_page(browser, request, viewport=viewport, locale="zh-CN") as page:
        sign_in(page, live_server, ORGANISER)
        page.goto(url)
        expect(page.locator(".entrant-count")).to_have_text(count(1, 50, 120))
        assert codes(page)[:2] == ["YA001", "YA002"] and len(codes(page)) == 50
        page.screenshot(path=str(ARTIFACTS / f"entrants-list-{size}.png"))

        # page through: the pager's next link, then the last page by its number
        page.locator(".pager a[rel=next]").click()
        expect(page.locator(".entrant-count")).to_have_text(count(51, 100, 120))
        page.locator(".pager").get_by_role("link", name="3", exact=True).click()
        expect(page.locator(".entrant-count")).to_have_text(count(101, 120, 120))
        assert codes(page)[-1] == "YA120"
        expect(page.locator('.pager [aria-current="page"]')).to_have_text("3")
        page.screenshot(path=str(ARTIFACTS / f"entrants-page3-{size}.png"), full_page=True)

        # search for a county: its nine orchards, on one page
        page.locator("input[name=q]").fill("洛川县")
        page.locator("input[name=q]").press("Enter")
        expect(page.locator(".entrant-count")).to_have_text(count(1, 9, 9))
        assert codes(page) == LUOCHUAN
        expect(page.locator(".pager")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / f"entrants-search-{size}.png"))

        # correct the operator of the second 洛川 orchard; the list comes back searched
        operator = f"洛川苹果合作社{width}"
        row = page.locator("table.entrants tbody tr", has_text=LUOCHUAN[1])
        row.locator("a.button").click()
        expect(page.locator("input[name='field:name']")).not_to_have_value("")
        expect(page.locator("select[name='field:county']")).to_have_value("洛川县")
        page.locator("input[name='field:operator']").fill(operator)
        page.screenshot(path=str(ARTIFACTS / f"entrants-edit-{size}.png"), full_page=True)
        page.locator("form.entrant-edit button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/entrants/\?q="))
        expect(page.locator(".flash")).to_contain_text(LUOCHUAN[1])
        expect(page.locator("table.entrants tbody tr", has_text=LUOCHUAN[1])).to_contain_text(
            operator
        )
        assert codes(page) == LUOCHUAN

        # the operator is found by a search too
        page.locator("input[name=q]").fill(operator)
        page.locator("input[name=q]").press("Enter")
        assert codes(page) == [LUOCHUAN[1]]
        page.screenshot(path=str(ARTIFACTS / f"entrants-edited-{size}.png"))
