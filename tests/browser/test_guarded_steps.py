"""A guarded lock in a real browser: the chief judge opens 锁定成绩 on a contest whose marks
the monitor flags, reads what stands in the way, cannot confirm without taking the override
and giving a reason, confirms, and the audit log keeps the override and the reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Contest
from competition.services import lifecycle, scoring, users
from tests.browser.conftest import ADMIN_PASSWORD, ARTIFACTS, LiveServer, watched_page
from tests.factories import make_admin, make_user
from tests.services.test_step_guards import flagged_scene

SIZES = [(1920, 1080), (768, 1024)]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_guarded_lock(
    live_server: LiveServer,
    browser: Browser,
    request: pytest.FixtureRequest,
    width: int,
    height: int,
) -> None:
    with live_server.app.app_context():
        admin = make_admin("setup")
        scene = flagged_scene(admin)
        chief = make_user(admin, "chief")
        users.grant_role(admin, chief.id or 0, scene.contest_id, "chief_judge")
        lifecycle.advance(admin, scene.contest_id, "close_scoring", "复核", override=True)
        for judge in scene.judges:
            scoring.sign_sheet(judge, scene.event_id)
        contest_id = scene.contest_id
        db.session.remove()

    viewport = {"width": width, "height": height}
    with watched_page(browser, request, viewport=viewport, locale="zh-CN") as page:
        page.goto(f"{live_server.url}/login?lang=en")
        page.get_by_label("User name").fill("chief")
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # the monitor first: the entrant still owed nothing comes last, the tick is explained
        page.goto(f"{live_server.url}/console/contests/{contest_id}")
        page.get_by_role("link", name="Monitor").click()
        expect(page.locator(".legend")).to_contain_text("signed their sheet")
        expect(page.locator("th .signed-mark")).to_have_count(3)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"monitor_{width}x{height}.png"), full_page=True)
        page.goto(f"{live_server.url}/console/contests/{contest_id}")
        expect(page.locator(".stepper [aria-current=step]")).to_contain_text("Review")
        page.get_by_role("link", name="Lock the results", exact=True).click()

        # what the step does, and the flagged marks in its way, named
        expect(page.get_by_role("heading", level=2)).to_have_text("Lock the results")
        expect(page.locator(".step-effect")).to_contain_text("The results are fixed")
        blocker = page.locator('.blockers-soft li[data-kind="flagged_marks"]')
        expect(blocker).to_contain_text("than the rule file allows: 2")
        expect(blocker).to_contain_text("专家3 → YA001")
        page.screenshot(path=str(ARTIFACTS / f"guarded_lock_{width}x{height}.png"), full_page=True)

        # neither without the override nor without a reason: the page stays, nothing changes
        confirm = page.get_by_role("button", name="Confirm: Lock the results")
        confirm.click()
        expect(page.locator("input[name=override]:invalid")).to_have_count(1)
        page.get_by_label("I have checked these and take the step anyway").check()
        confirm.click()
        expect(page.locator("textarea[name=reason]:invalid")).to_have_count(1)
        expect(page).to_have_url(f"{live_server.url}/console/contests/{contest_id}/steps/lock")

        page.get_by_label("Reason").fill("专家3 的两项评分已当面复核，维持原分")
        confirm.click()
        expect(page.get_by_role("status")).to_have_text("The contest is now at the stage: Locked.")
        expect(page.locator(".stepper [aria-current=step]")).to_contain_text("Locked")
        expect(page.locator(".stepper .step-done")).to_have_count(4)
        page.screenshot(
            path=str(ARTIFACTS / f"guarded_lock_done_{width}x{height}.png"), full_page=True
        )
        page.get_by_role("navigation", name="Contest").get_by_role("link", name="Audit log").click()
        expect(page.get_by_text("专家3 的两项评分已当面复核，维持原分").first).to_be_visible()

    with live_server.app.app_context():
        contest = db.session.get(Contest, contest_id)
        assert contest is not None and contest.status == "locked"
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "contest.lock")
        ).one()
        assert entry.actor.endswith(":chief") and entry.role == "chief_judge"
        assert entry.reason == "专家3 的两项评分已当面复核，维持原分"
        assert [o["kind"] for o in entry.after["overridden"]] == ["flagged_marks"]
        db.session.remove()
