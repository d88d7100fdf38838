"""The chief judge's monitor in a real browser follows the marking without a reload: a judge's
mark fills its cell of the judges × entrants matrix, a mark far from the panel appears with
its re-check form, and a note being typed there is not wiped by the next mark."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entrant, User
from competition.services import assignments, contests, judges, lifecycle, marks
from competition.services.authority import Actor
from competition.services.marks import MarkInput
from tests.browser.conftest import ADMIN, LiveServer
from tests.browser.test_results_flow import sign_in
from tests.factories import rule_source

EXPERTS = ("甲", "乙", "丙")


def three_experts(server: LiveServer) -> tuple[int, int, list[Actor]]:
    """An orchard contest in scoring, YA001 and YA002, three experts on canopy pruning (which
    tolerates 3 from the panel's median): the contest's id, the event's id, the experts."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        admin = Actor.of_user(user)
        contest = contests.create_contest(
            admin, "苹果", [("亩均效益", rule_source("apple_orchard_per_mu_benefit.yaml"))]
        )
        event = contest.events[0]
        for code in ("YA001", "YA002"):
            db.session.add(
                Entrant(event_id=event.id, code=code, name=code, attributes={"county": "宝塔区"})
            )
        db.session.commit()
        experts = []
        for name in EXPERTS:
            judge, _ = judges.create_judge(admin, contest.id, name)
            assignments.assign(admin, judge.id, event.id, "canopy_pruning")
            experts.append(Actor("judge", judge.id, judge.name))
        lifecycle.advance(admin, contest.id, "open_registration")
        lifecycle.advance(admin, contest.id, "open_scoring")
        ids = contest.id, event.id
        db.session.remove()
    return ids[0], ids[1], experts


def record(server: LiveServer, expert: Actor, event_id: int, entrant: str, value: str) -> None:
    with server.app.app_context():
        marks.record_mark(expert, event_id, MarkInput(entrant, "canopy_pruning", value))
        db.session.remove()


def test_the_monitor_follows_the_marking_without_a_reload(
    live_server: LiveServer, page: Page
) -> None:
    contest_id, event_id, experts = three_experts(live_server)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/console/contests/{contest_id}/events/{event_id}/monitor/")
    expect(page.locator("#monitor-state")).to_have_attribute("data-state", "connected")
    expect(page.locator("#monitor-state")).to_have_text("实时：随评分更新")
    matrix = page.locator("#monitor-live table.matrix")
    expect(matrix.locator("td.full")).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    for expert, value in zip(experts, ("8", "8.5", "2"), strict=True):
        record(live_server, expert, event_id, "YA001", value)
    expect(matrix.locator("td.full")).to_have_count(3)
    far = page.locator("#monitor-live form.inline")
    expect(far).to_have_count(1)  # the 2 is more than 3 from the median 8
    expect(page.locator("#monitor-live")).to_contain_text("丙")

    # the chief judge starts a note to 丙; a mark arriving meanwhile does not wipe it
    note = far.locator('input[name="note"]')
    note.fill("请再看一下")
    record(live_server, experts[0], event_id, "YA002", "7")
    page.wait_for_timeout(2500)  # a refresh would have come by now; it waits for the note
    expect(note).to_have_value("请再看一下")
    expect(matrix.locator("td.full")).to_have_count(3)
    page.locator("h1").click()  # done typing: the waiting refresh comes
    expect(matrix.locator("td.full")).to_have_count(4)
    assert page.evaluate("window.notReloaded") is True
