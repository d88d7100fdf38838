"""Publication in a real browser: the organiser records an appeal and upholds it, the public
board says the results were revised, the award list prints with the prize totals, and a
certificate's QR code opens a page that says it is genuine."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import User
from competition.services import certificates
from competition.services.authority import Actor
from tests.browser.conftest import ADMIN, ARTIFACTS, LiveServer, sign_in
from tests.scenes import Orchards, orchard_contest, publish


def published_orchards(server: LiveServer) -> Orchards:
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == ADMIN))
        assert user is not None
        scene = orchard_contest(Actor.of_user(user))
        publish(scene)
        db.session.remove()
    return scene


def test_an_upheld_appeal_revises_the_published_results_everywhere(
    live_server: LiveServer, page: Page, browser: Browser
) -> None:
    scene = published_orchards(live_server)
    public = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone = public.new_page()
    phone.goto(f"{live_server.url}/live/{scene.contest_id}")
    expect(phone.get_by_text("成绩已发布", exact=False).first).to_be_visible()

    sign_in(page, live_server)
    page.goto(f"{live_server.url}/console/contests/{scene.contest_id}/results/")
    form = page.locator("#appeal-form")
    form.get_by_label("参赛者编号").fill("YA001")
    form.get_by_label("申诉人").fill("果园YA001 负责人")
    form.get_by_label("申诉理由").fill("生产成本重复计入一笔化肥款")
    form.get_by_role("button", name="登记申诉").click()
    expect(page.get_by_text("申诉已登记。")).to_be_visible()

    decision = page.locator("form.decision")
    decision.get_by_label("决定").select_option("upheld")
    decision.get_by_label("理由").fill("经核实，生产成本应为 10000 元")
    cost = decision.locator("option", has_text="生产总成本").get_attribute("value")
    assert cost is not None
    decision.get_by_label("更正的分数").select_option(cost)
    decision.get_by_label("更正后的值").fill("10000")
    decision.get_by_role("button", name="记录决定").click()
    expect(page.get_by_text("决定已记录。")).to_be_visible()
    expect(page.locator("#history tbody tr")).to_have_count(2)

    # the phone open since before the decision shows the revision without a reload
    expect(phone.get_by_text("已修订", exact=False).first).to_be_visible(timeout=20_000)
    public.close()

    awards = page.context.new_page()
    awards.goto(f"{live_server.url}/results/{scene.contest_id}/awards")
    expect(awards.get_by_text("第 2 版")).to_be_visible()
    expect(awards.locator(".total-prize")).to_have_text(re.compile(r"\d"))
    awards.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    awards.screenshot(path=str(ARTIFACTS / "award_list_print.png"), full_page=True)

    page.goto(f"{live_server.url}/console/contests/{scene.contest_id}/results/certificates")
    with live_server.app.app_context():
        valid = {c.entrant.code: c.code for c in certificates.certificates_of(scene.contest_id)}
    assert "YA001" in valid  # first place after the revision
    link = page.locator(".cert-verify code").first.inner_text()
    stranger = browser.new_context(locale="zh-CN").new_page()
    stranger.goto(link)
    expect(stranger.get_by_text("该证书真实有效。")).to_be_visible()
    stranger.goto(f"{live_server.url}/verify/{valid['YA001']}")
    expect(stranger.get_by_text("果园YA001")).to_be_visible()
    stranger.context.close()


def test_the_published_big_screen_keeps_every_row_on_one_line(
    live_server: LiveServer, browser: Browser
) -> None:
    """After publication the award, titles and prize join the columns: at 1920×1080 a name
    must not wrap into three lines (a page of six rows), and the QR code stays scannable."""
    scene = published_orchards(live_server)
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        screen = projector.new_page()
        screen.goto(f"{live_server.url}/live/{scene.contest_id}/screen")
        expect(screen.locator("th.col-award")).to_be_visible()
        rows = screen.locator("tr.live-row").locator("visible=true")
        expect(rows.first).to_be_visible()
        heights = {round(box["height"]) for box in (r.bounding_box() for r in rows.all()) if box}
        name = screen.locator("tr.live-row td.col-label").first
        line = name.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight)")
        assert max(heights) < 2 * line, f"a row wraps: heights {heights}, one line {line}"
        table, side = screen.locator(".live-table").bounding_box(), screen.locator("#live-qr")
        assert table is not None and table["x"] + table["width"] <= 1920
        qr = side.locator("svg").bounding_box()
        assert qr is not None and qr["width"] >= 250
        ARTIFACTS.mkdir(exist_ok=True)
        screen.screenshot(path=str(ARTIFACTS / "live_screen_published.png"))
    finally:
        projector.close()
