"""What README promises a newcomer after `make run`, in real browsers on the demo contests:
the orchard contest's live board open on a phone, the expert 张建华's link on a tablet, the
three orchards left marked (the board moves, nobody reloads), the sheet signed; then, in the
console, scoring closed, the results locked and published, the award list and the
certificates printed."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from competition.config import REPOSITORY_ROOT
from competition.extensions import db
from competition.services.demo import (
    CHIEF_JUDGE,
    ORCHARD_CONTEST,
    ORGANISER,
    UNINSPECTED,
    load_demo,
)
from tests.browser.conftest import ARTIFACTS, LiveServer, sign_in
from tests.browser.test_judge_tablet import enter, waiting

EXPERT = "张建华"
# the expert's four inspection criteria in the order of the sheet (the rule file's: 0–10,
# 0–10, 0–5, 0–5), each marked at its top
TOP_MARKS = ["10", "10", "5", "5"]
LEFT = [f"YA{number:03d}" for number in range(121 - UNINSPECTED, 121)]
# a bound on each wait for the server's work over 120 orchards, not an assertion about speed
WAIT = 20_000


def test_a_newcomer_sees_the_orchard_contest_through_in_the_browser(
    live_server: LiveServer, browser: Browser, page: Page
) -> None:
    with live_server.app.app_context():
        demo = load_demo(REPOSITORY_ROOT / "scoring_rules", live_server.url)
        db.session.remove()
    board_url = dict(demo.live_boards)[ORCHARD_CONTEST]
    contest_id = int(board_url.rsplit("/", 1)[1])
    link = next(url for contest, judge, url in demo.judge_links if judge == EXPERT)

    # --- the public board on a phone: three orchards still wait for the expert ---------------
    phones = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone = phones.new_page()
    phone.goto(board_url)
    expect(phone.locator("#conn")).to_have_attribute("data-state", "connected")
    progress = phone.locator(".live-progress-text")
    expect(progress).to_have_text("已评 1188/1200")
    for code in LEFT:
        expect(phone.locator(f'tr.live-row[data-key="{code}"]')).to_have_attribute("data-rank", "")
    phone.evaluate("window.notReloaded = true")

    # --- the expert's tablet: the button goes straight to the first orchard left -------------
    tablets = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN")
    try:
        tablet = tablets.new_page()
        tablet.goto(link)
        expect(tablet.locator("#conn")).to_have_attribute("data-state", "connected")
        expect(tablet.locator(".progress")).to_have_text("已评 468 / 480")
        tablet.locator("button.next-empty").click()
        expect(tablet.locator("#entry .entry-entrant")).to_contain_text(LEFT[0])
        for _ in LEFT:
            for value in TOP_MARKS:
                enter(tablet, value)
        expect(tablet.locator("#entry")).not_to_be_visible()
        expect(tablet.locator(".progress")).to_have_text("已评 480 / 480", timeout=WAIT)
        assert waiting(tablet) == "0"
        expect(tablet.locator("button.next-empty")).to_have_count(0)

        # the phone's board moved by itself: every orchard marked, the three ranked
        expect(progress).to_have_text("已评 1200/1200", timeout=WAIT)
        for code in LEFT:
            row = phone.locator(f'tr.live-row[data-key="{code}"]')
            expect(row).to_have_attribute("data-rank", re.compile(r"^\d+$"), timeout=WAIT)

        # every cell marked: the prompt at the bottom of the screen carries the sign button
        tablet.locator("#sign-prompt").get_by_role("button", name="签字确认").click()
        tablet.locator("#confirm-sign button[value=sign]").click()
        expect(tablet.locator(".signed-at")).to_contain_text("签字", timeout=WAIT)
    finally:
        tablets.close()

    # --- the console, each step by the account the README names ------------------------------
    steps = (
        (ORGANISER, "结束评分", "复核"),
        (CHIEF_JUDGE, "锁定成绩", "已锁定"),
        (ORGANISER, "发布", "已发布（公示期）"),
    )
    for account, step, stage in steps:
        page.context.clear_cookies()
        sign_in(page, live_server, account)
        page.get_by_role("link", name=ORCHARD_CONTEST).click()
        page.get_by_role("link", name=step, exact=True).click()  # its confirmation page
        # the expert's top marks on YA118 lie beyond the panel's max_deviation: each step
        # names them and goes ahead only on an override with a reason
        flagged = page.locator('.blockers-soft li[data-kind="flagged_marks"]')
        expect(flagged).to_contain_text(f"{EXPERT} → YA118")
        page.locator("input[name=override]").check()
        page.get_by_label("原因").fill("偏离评分已由裁判长复核，维持原分")
        page.locator(".step-confirm button[type=submit]").click()
        expect(page.get_by_role("status")).to_have_text(
            f"竞赛现在处于“{stage}”阶段。", timeout=WAIT
        )
        expect(page.locator(".stage")).to_have_text(stage)

    # the phone, never reloaded, shows the published results with their awards
    expect(phone.get_by_text("成绩已发布", exact=False).first).to_be_visible(timeout=WAIT)
    expect(phone.locator("tr.live-row.is-awarded")).to_have_count(15)
    assert phone.evaluate("window.notReloaded") is True
    phones.close()

    # --- console → Results: the award list and the certificates, printed -----------------------
    page.get_by_role("navigation", name="竞赛").get_by_role("link", name="成绩").click()
    page.get_by_role("link", name="获奖名单", exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/results/{contest_id}/awards")
    expect(page.locator(".award-table tbody tr")).to_have_count(15)
    # 3 × 20,000 + 5 × 10,000 + 7 × 5,000
    expect(page.locator(".total-prize")).to_have_text("145,000 元")
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "demo_award_list.pdf"), format="A4")

    page.emulate_media(media="screen")
    page.go_back()
    page.get_by_role("link", name="证书", exact=True).click()
    expect(page.locator("article.certificate")).to_have_count(15)
    expect(page.locator("article.certificate .cert-award").first).to_have_text("一等奖")
    page.emulate_media(media="print")
    page.pdf(path=str(ARTIFACTS / "demo_certificates.pdf"), format="A4")
