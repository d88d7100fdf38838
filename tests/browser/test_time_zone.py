"""Times in a real browser whose own clock is elsewhere (London): the console's dashboard and
the public board show the contest's times on Beijing time, named, and follow the organiser's
change of zone."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contest, User
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in
from tests.scenes import orchard_contest, publish

# 21:04 UTC on 9 December: 05:04 on the 10th in Beijing, 21:04 on the 9th in London
EVENING_UTC = datetime(2026, 12, 9, 21, 4, tzinfo=UTC)


def published_in_the_evening(server: LiveServer) -> int:
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        scene = orchard_contest(Actor.of_user(user))
        publish(scene)
        contest = db.session.get(Contest, scene.contest_id)
        assert contest is not None
        contest.created_at = contest.publicity_ends_at = EVENING_UTC
        db.session.commit()
        db.session.remove()
    return scene.contest_id


def test_the_dashboard_and_the_board_show_beijing_time(
    live_server: LiveServer, browser: Browser
) -> None:
    contest_id = published_in_the_evening(live_server)
    office = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="zh-CN", timezone_id="Europe/London"
    )
    page: Page = office.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/console/contests/{contest_id}?lang=en")
    times = page.locator(".contest-times")
    expect(times).to_contain_text("Created 10 Dec 2026, 05:04 (Beijing time)")
    expect(times).to_contain_text("until 10 Dec 2026, 05:04 (Beijing time)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console_time_zone.png"), full_page=True)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", timezone_id="Europe/London"
    ).new_page()
    phone.goto(f"{live_server.url}/live/{contest_id}?lang=en")
    banner = phone.locator("#live-banner")
    expect(banner).to_contain_text("until 10 Dec 2026, 05:04 (Beijing time)")
    phone.screenshot(path=str(ARTIFACTS / "live_phone_time_zone.png"))

    # the organiser moves the contest to Urumqi: the dashboard and the open board follow
    form = page.locator("#time-zone-form")
    form.get_by_label("Time zone").fill("Asia/Urumqi")
    form.get_by_role("button", name="Change the time zone").click()
    expect(
        page.get_by_text("Times of this contest are shown in Asia/Urumqi, UTC+06:00.")
    ).to_be_visible()
    expect(times).to_contain_text("Created 10 Dec 2026, 03:04 (Asia/Urumqi, UTC+06:00)")
    expect(banner).to_contain_text("until 10 Dec 2026, 03:04 (Asia/Urumqi)", timeout=20_000)
    office.close()
    phone.context.close()
