"""The chief judge's monitor in a real browser follows the marking without a reload: a judge's
mark fills in its cell of the judges × entrants matrix, a mark far from the panel appears with
its re-check form, and a note being typed there is not wiped by the next mark."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import User
from competition.services import marks
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.browser.conftest import ADMIN, LiveServer, sign_in
from tests.scenes import Orchards, orchard_contest

WAIT = 15_000  # ms: a bound on each wait for the page's refresh, not an assertion about speed


def three_experts(server: LiveServer) -> Orchards:
    """Orchards YA001 and YA002 in scoring with the inspection panel of three experts;
    canopy pruning tolerates 3 from the panel's median."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        scene = orchard_contest(Actor.of_user(user), count=2, enter_measured=False)
        db.session.remove()
    return scene


def record(server: LiveServer, expert: Actor, event_id: int, entrant: str, value: str) -> None:
    with server.app.app_context():
        marks.record_mark(expert, event_id, MarkInput(entrant, "canopy_pruning", value))
        db.session.remove()


def test_the_monitor_follows_the_marking_without_a_reload(
    live_server: LiveServer, page: Page
) -> None:
    scene = three_experts(live_server)
    contest_id, event_id, experts = scene.contest_id, scene.event_id, scene.judges
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/console/contests/{contest_id}/events/{event_id}/monitor/")
    expect(page.locator("#monitor-state")).to_have_attribute("data-state", "connected")
    expect(page.locator("#monitor-state")).to_have_text("实时：随评分更新")
    matrix = page.locator("#monitor-live table.matrix")
    expect(matrix.locator("td.empty")).to_have_count(6)  # 3 experts × 2 orchards, 4 marks each
    page.evaluate("window.notReloaded = true")

    for expert, value in zip(experts, ("8", "8.5", "2"), strict=True):
        record(live_server, expert, event_id, "YA001", value)
    expect(matrix.locator("td.some")).to_have_count(3, timeout=WAIT)
    expect(matrix.locator("td.some").first).to_have_text("1/4")
    far = page.locator("#monitor-live form.inline")
    expect(far).to_have_count(1, timeout=WAIT)  # the 2 is more than 3 from the median 8
    expect(far.locator("..").locator("..")).to_contain_text("专家3")

    # the chief judge starts a note to 专家3; a mark arriving meanwhile does not wipe it
    note = far.locator('input[name="note"]')
    note.fill("请再看一下")
    record(live_server, experts[0], event_id, "YA002", "7")
    page.wait_for_timeout(2500)  # a refresh would have come by now; it waits for the note
    expect(note).to_have_value("请再看一下")
    expect(matrix.locator("td.some")).to_have_count(3)
    page.locator("h1").click()  # done typing: the waiting refresh comes
    expect(matrix.locator("td.some")).to_have_count(4, timeout=WAIT)
    assert page.evaluate("window.notReloaded") is True
